import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as create from './create.operation';
import * as getMany from './getMany.operation';
import * as revoke from './revoke.operation';
import * as roll from './roll.operation';
import * as update from './update.operation';

/** Key management needs the primary key (keys:read / keys:write); it lets a schedule rotate keys. */
export const operations: Record<string, OperationModule> = { create, getMany, update, roll, revoke };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['apiKey'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a key; its secret is in the output once', action: 'Create an API key' },
			{ name: 'Get Many', value: 'getMany', description: 'List keys (never their secrets)', action: 'Get many API keys' },
			{ name: 'Revoke', value: 'revoke', description: 'Stop a key at once', action: 'Revoke an API key' },
			{ name: 'Roll', value: 'roll', description: 'Replace a key\'s secret, keeping the old one for a grace period', action: 'Roll an API key' },
			{ name: 'Update', value: 'update', description: 'Change name, role, scopes or expiry', action: 'Update an API key' },
		],
		default: 'getMany',
	},
	...create.description,
	...getMany.description,
	...update.description,
	...roll.description,
	...revoke.description,
];
