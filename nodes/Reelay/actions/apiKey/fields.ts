import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { roleOptions } from '../common.descriptions';

export const SCOPES = [
	'account:read',
	'connections:read',
	'connections:write',
	'keys:read',
	'keys:write',
	'movies:batch',
	'movies:create',
	'movies:delete',
	'movies:read',
	'templates:read',
	'templates:write',
	'uploads:write',
	'webhooks:read',
	'webhooks:write',
];

export const keyId: INodeProperties = {
	displayName: 'Key ID',
	name: 'keyId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of the key (not the secret): the "ID" field that Create and Get Many return',
};

/** Role or scopes and expiry, shared by Create (top level) and Update (inside "Update Fields"). */
export const permissionFields: INodeProperties[] = [
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: roleOptions,
		default: 'render',
		description: 'A preset set of scopes; leave Scopes empty when using a role',
	},
	{
		displayName: 'Scopes',
		name: 'scopes',
		type: 'multiOptions',
		options: SCOPES.map((scope) => ({ name: scope, value: scope })),
		default: [],
		description: 'Exact scopes instead of a role; a key can never get scopes its creator lacks',
	},
	{
		displayName: 'Expires At',
		name: 'expiresAt',
		type: 'dateTime',
		default: '',
		description: 'When the key stops working; empty means never',
	},
];

export function toIso(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = new Date(String(value));
	return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** Role and scopes are exclusive: scopes, when chosen, win. */
export function permissionBody(fields: IDataObject): IDataObject {
	const body: IDataObject = {};
	if (fields.name !== undefined && fields.name !== '') body.name = fields.name;
	const scopes = fields.scopes as string[] | undefined;
	if (scopes && scopes.length > 0) body.scopes = scopes;
	else if (fields.role) body.role = fields.role;
	const expiresAt = toIso(fields.expiresAt);
	if (expiresAt) body.expiresAt = expiresAt;
	return body;
}

/** `{key, apiKey:{…}}` → one flat item; `key` (the secret) is present only right after create/roll. */
export function flattenKeyResponse(response: IDataObject): IDataObject {
	const { apiKey, ...rest } = response;
	delete rest.success;
	return { ...((apiKey as IDataObject | undefined) ?? {}), ...rest };
}

