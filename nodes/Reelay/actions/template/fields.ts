import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jsonParameter } from '../../helpers/json';
import { templateLocator } from '../common.descriptions';

export { templateLocator };

export const templateFields: INodeProperties[] = [
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		description: 'What the template is for',
	},
	{
		displayName: 'Movie',
		name: 'movie',
		type: 'json',
		default: '{}',
		description: 'The movie JSON, with {{variable}} placeholders where values go',
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'json',
		default: '[]',
		description:
			'Declared variables as a JSON array of {"name", "default", "required", "description"}; leave empty to let Reelay find the {{placeholders}}',
	},
];

/** Reads the template fields present in a collection (create's options, update's fields). */
export function templateBody(this: IExecuteFunctions, collection: string, itemIndex: number): IDataObject {
	const fields = this.getNodeParameter(collection, itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (fields.name !== undefined) body.name = fields.name;
	if (fields.description !== undefined) body.description = fields.description;
	if (fields.movie !== undefined) body.movie = jsonParameter.call(this, `${collection}.movie`, itemIndex);
	if (fields.variables !== undefined) {
		const variables = parseVariables.call(this, fields.variables, itemIndex);
		if (variables.length > 0) body.variables = variables;
	}
	return body;
}

function parseVariables(this: IExecuteFunctions, raw: unknown, itemIndex: number): IDataObject[] {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw || '[]') as unknown;
		} catch (error) {
			value = error;
		}
	}
	if (!Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), '"Variables" must be a JSON array', {
			description: 'For example [{"name": "title", "required": true}], or leave it empty.',
			itemIndex,
		});
	}
	return value as IDataObject[];
}

export function unwrapTemplate(response: IDataObject): IDataObject {
	return (response.template ?? response) as IDataObject;
}
