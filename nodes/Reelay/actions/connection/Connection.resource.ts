import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as create from './create.operation';
import * as deleteConnection from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

/** Saved third-party credentials that movies reference by ID; they need a Manager key. */
export const operations: Record<string, OperationModule> = { create, get, getMany, delete: deleteConnection };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connection'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Save a third-party credential', action: 'Create a connection' },
			{ name: 'Delete', value: 'delete', description: 'Delete a connection', action: 'Delete a connection' },
			{ name: 'Get', value: 'get', description: 'Get a connection (secrets masked)', action: 'Get a connection' },
			{ name: 'Get Many', value: 'getMany', description: 'List connections', action: 'Get many connections' },
		],
		default: 'getMany',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...deleteConnection.description,
];
