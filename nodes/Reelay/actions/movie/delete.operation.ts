import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Project ID',
		name: 'project',
		type: 'string',
		required: true,
		default: '',
		description: 'The movie to cancel (while rendering) or delete (when finished)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['movie'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const project = this.getNodeParameter('project', itemIndex) as string;
	const response = await reelayApiRequest.call(this, {
		method: 'DELETE',
		endpoint: `/v2/movies/${encodeURIComponent(project)}`,
		itemIndex,
	});
	return [{ json: { project, deleted: true, ...response } }];
}
