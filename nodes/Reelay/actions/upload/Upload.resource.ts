import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as upload from './upload.operation';

export const operations: Record<string, OperationModule> = { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['upload'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a binary file as an asset movies can use as src',
				action: 'Upload an asset',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
