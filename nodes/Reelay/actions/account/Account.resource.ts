import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as get from './get.operation';

export const operations: Record<string, OperationModule> = { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get the account: credits and usage', action: 'Get the account' },
		],
		default: 'get',
	},
	...get.description,
];
