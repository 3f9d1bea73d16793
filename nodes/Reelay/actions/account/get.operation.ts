import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const response = await reelayApiRequest.call(this, { method: 'GET', endpoint: '/v2/account', itemIndex });
	const account = { ...response };
	delete account.success;
	return [{ json: (response.account as typeof account | undefined) ?? account }];
}
