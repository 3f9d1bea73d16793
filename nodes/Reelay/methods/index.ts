/** Editor helpers: the template picker and the variables mapper. */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { reelayApiRequest, reelayApiRequestAllItems } from '../transport';

export async function searchTemplates(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const templates = await reelayApiRequestAllItems.call(this, { method: 'GET', endpoint: '/v2/templates' }, 'templates', 500);
	const needle = (filter ?? '').toLowerCase();
	return {
		results: templates
			.filter((template) => !needle || String(template.name ?? '').toLowerCase().includes(needle))
			.map((template) => ({ name: String(template.name ?? template.id), value: String(template.id) })),
	};
}

function fieldType(variable: IDataObject): ResourceMapperField['type'] {
	if (variable.type === 'number') return 'number';
	if (variable.type === 'boolean') return 'boolean';
	return 'string';
}

export async function getTemplateVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const id = this.getNodeParameter('template', undefined, { extractValue: true }) as string;
	if (!id) return { fields: [] };
	const response = await reelayApiRequest.call(this, {
		method: 'GET',
		endpoint: `/v2/templates/${encodeURIComponent(id)}/variables`,
	});
	const variables = Array.isArray(response.variables) ? (response.variables as IDataObject[]) : [];
	return {
		fields: variables.map((variable) => ({
			id: String(variable.name),
			displayName: String(variable.name),
			required: variable.required === true,
			defaultMatch: false,
			display: true,
			type: fieldType(variable),
			defaultValue:
				variable.default === undefined || typeof variable.default === 'object'
					? undefined
					: (variable.default as string | number | boolean),
		})),
	};
}
