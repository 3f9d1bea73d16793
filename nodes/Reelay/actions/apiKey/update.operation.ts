import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { flattenKeyResponse, keyId, permissionBody, permissionFields } from './fields';

const properties: INodeProperties[] = [
	keyId,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [{ displayName: 'Name', name: 'name', type: 'string', default: '' }, ...permissionFields],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('keyId', itemIndex) as string;
	const body = permissionBody(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one field to update', { itemIndex });
	}
	const response = await reelayApiRequest.call(this, {
		method: 'PATCH',
		endpoint: `/v2/keys/${encodeURIComponent(id)}`,
		body,
		itemIndex,
	});
	return [{ json: flattenKeyResponse(response) }];
}
