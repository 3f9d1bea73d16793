import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequestAllItems } from '../../transport';
import { returnAllOrLimit } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['connection'], operation: ['getMany'] } }, returnAllOrLimit);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number);
	const list = await reelayApiRequestAllItems.call(this, { method: 'GET', endpoint: '/v2/connections', itemIndex }, 'connections', limit);
	return list.map((connection) => ({ json: connection }));
}
