import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { flattenKeyResponse, keyId } from './fields';

const properties: INodeProperties[] = [
	keyId,
	{
		displayName: 'Grace Period (Seconds)',
		name: 'graceSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 86400,
		description:
			'How long the old secret keeps working, so systems using it can switch over; 0 stops it at once. Never extends past the key\'s own expiry.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['roll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('keyId', itemIndex) as string;
	const graceSeconds = this.getNodeParameter('graceSeconds', itemIndex) as number;
	const response = await reelayApiRequest.call(this, {
		method: 'POST',
		endpoint: `/v2/keys/${encodeURIComponent(id)}/roll`,
		body: { graceSeconds },
		itemIndex,
	});
	// The new secret is in `key`, returned this once.
	return [{ json: flattenKeyResponse(response) }];
}
