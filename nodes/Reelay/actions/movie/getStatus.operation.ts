import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getMovie } from '../../helpers/polling';

const properties: INodeProperties[] = [
	{
		displayName: 'Project ID',
		name: 'project',
		type: 'string',
		required: true,
		default: '',
		description: 'The project ID that Render returned',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['movie'], operation: ['getStatus'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const project = this.getNodeParameter('project', itemIndex) as string;
	return [{ json: await getMovie.call(this, project, itemIndex) }];
}
