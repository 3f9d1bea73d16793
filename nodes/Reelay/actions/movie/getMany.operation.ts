import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequestAllItems } from '../../transport';
import { returnAllOrLimit } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Done', value: 'done' },
					{ name: 'Error', value: 'error' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Running', value: 'running' },
				],
				default: 'done',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['movie'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const movies = await reelayApiRequestAllItems.call(
		this,
		{ method: 'GET', endpoint: '/v2/movies', qs: { ...filters }, itemIndex },
		'movies',
		limit,
	);
	return movies.map((movie) => ({ json: movie }));
}
