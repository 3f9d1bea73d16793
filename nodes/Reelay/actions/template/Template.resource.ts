import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../operation';
import * as create from './create.operation';
import * as deleteTemplate from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getVariables from './getVariables.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = {
	create,
	get,
	getMany,
	update,
	delete: deleteTemplate,
	getVariables,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Save a movie with placeholders as a template', action: 'Create a template' },
			{ name: 'Delete', value: 'delete', description: 'Delete a template', action: 'Delete a template' },
			{ name: 'Get', value: 'get', description: 'Get a template', action: 'Get a template' },
			{ name: 'Get Many', value: 'getMany', description: 'List templates', action: 'Get many templates' },
			{ name: 'Get Variables', value: 'getVariables', description: 'List the variables a template takes', action: 'Get the variables of a template' },
			{ name: 'Update', value: 'update', description: 'Change a template', action: 'Update a template' },
		],
		default: 'getMany',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...update.description,
	...deleteTemplate.description,
	...getVariables.description,
];
