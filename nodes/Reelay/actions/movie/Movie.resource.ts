import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as deleteMovie from './delete.operation';
import * as getMany from './getMany.operation';
import * as getStatus from './getStatus.operation';
import * as render from './render.operation';
import * as validate from './validate.operation';

export const operations: Record<string, OperationModule> = { render, validate, getStatus, getMany, delete: deleteMovie };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['movie'] } },
		options: [
			{ name: 'Delete', value: 'delete', description: 'Cancel or delete a movie', action: 'Delete a movie' },
			{ name: 'Get Many', value: 'getMany', description: 'List movies, newest first', action: 'Get many movies' },
			{ name: 'Get Status', value: 'getStatus', description: 'Get the status of a movie', action: 'Get the status of a movie' },
			{
				name: 'Render',
				value: 'render',
				description: 'Render a movie from JSON or a template, optionally waiting for the video',
				action: 'Render a movie',
			},
			{
				name: 'Validate',
				value: 'validate',
				description: 'Check a movie or template without rendering it: every problem with its path, and its cost',
				action: 'Validate a movie',
			},
		],
		default: 'render',
	},
	...render.description,
	...validate.description,
	...getStatus.description,
	...getMany.description,
	...deleteMovie.description,
];
