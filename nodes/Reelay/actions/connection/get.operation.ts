import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { connectionId, unwrapConnection } from './fields';

export const description = updateDisplayOptions({ show: { resource: ['connection'], operation: ['get'] } }, [connectionId]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('connectionId', itemIndex) as string;
	const response = await reelayApiRequest.call(this, {
		method: 'GET',
		endpoint: `/v2/connections/${encodeURIComponent(id)}`,
		itemIndex,
	});
	return [{ json: unwrapConnection(response) }];
}
