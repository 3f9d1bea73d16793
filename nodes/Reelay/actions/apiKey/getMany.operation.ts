import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequestAllItems } from '../../transport';
import { returnAllOrLimit } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['getMany'] } }, returnAllOrLimit);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number);
	const keys = await reelayApiRequestAllItems.call(this, { method: 'GET', endpoint: '/v2/keys', itemIndex }, 'keys', limit);
	return keys.map((key) => ({ json: key }));
}
