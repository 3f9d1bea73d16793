import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { keyId } from './fields';

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['revoke'] } }, [keyId]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('keyId', itemIndex) as string;
	const response = await reelayApiRequest.call(this, {
		method: 'DELETE',
		endpoint: `/v2/keys/${encodeURIComponent(id)}`,
		itemIndex,
	});
	return [{ json: { id, revoked: true, ...response } }];
}
