import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { flattenKeyResponse, permissionBody, permissionFields } from './fields';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', description: 'What the key is for' },
	{
		displayName: 'Permission',
		name: 'permission',
		type: 'options',
		options: [
			{ name: 'Role', value: 'role' },
			{ name: 'Custom Scopes', value: 'scopes' },
		],
		default: 'role',
	},
	{ ...permissionFields[0], displayOptions: { show: { permission: ['role'] } } },
	{ ...permissionFields[1], displayOptions: { show: { permission: ['scopes'] } } },
	permissionFields[2],
];

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const permission = this.getNodeParameter('permission', itemIndex) as string;
	const body = permissionBody({
		name: this.getNodeParameter('name', itemIndex),
		role: permission === 'role' ? this.getNodeParameter('role', itemIndex) : undefined,
		scopes: permission === 'scopes' ? this.getNodeParameter('scopes', itemIndex) : undefined,
		expiresAt: this.getNodeParameter('expiresAt', itemIndex, ''),
	});
	const response = await reelayApiRequest.call(this, { method: 'POST', endpoint: '/v2/keys', body, itemIndex });
	// The secret (`key`) is returned this once; store it somewhere safe in the next node.
	return [{ json: flattenKeyResponse(response) }];
}
