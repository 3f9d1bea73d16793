import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { jsonParameter } from '../../helpers/json';
import { reelayApiRequest } from '../../transport';
import { templateBody, templateFields, unwrapTemplate } from './fields';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, description: 'Template name' },
	{
		displayName: 'Movie',
		name: 'movie',
		type: 'json',
		default: '{\n  "scenes": [\n    { "elements": [ { "type": "text", "text": "{{title}}" } ] }\n  ]\n}',
		required: true,
		description: 'The movie JSON, with {{variable}} placeholders where values go',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: templateFields.filter((field) => field.name !== 'movie'),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body: IDataObject = {
		name: this.getNodeParameter('name', itemIndex) as string,
		movie: jsonParameter.call(this, 'movie', itemIndex),
		...templateBody.call(this, 'additionalFields', itemIndex),
	};
	const response = await reelayApiRequest.call(this, { method: 'POST', endpoint: '/v2/templates', body, itemIndex });
	return [{ json: unwrapTemplate(response) }];
}
