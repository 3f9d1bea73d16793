import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { templateBody, templateFields, templateLocator, unwrapTemplate } from './fields';

const properties: INodeProperties[] = [
	templateLocator,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Template name' },
			...templateFields,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('template', itemIndex, '', { extractValue: true }) as string;
	const body = templateBody.call(this, 'updateFields', itemIndex);
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one field to update', { itemIndex });
	}
	const response = await reelayApiRequest.call(this, {
		method: 'PUT',
		endpoint: `/v2/templates/${encodeURIComponent(id)}`,
		body,
		itemIndex,
	});
	return [{ json: unwrapTemplate(response) }];
}
