import type { INodeProperties } from 'n8n-workflow';

export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const templateLocator: INodeProperties = {
	displayName: 'Template',
	name: 'template',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The template to use',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. tpl_a1b2c3',
		},
	],
};

export const roleOptions = [
	{ name: 'Editor', value: 'editor', description: 'Render plus batches, deletes, templates and webhooks' },
	{ name: 'Manager', value: 'manager', description: 'Editor plus connections' },
	{ name: 'Read Only', value: 'read-only', description: 'Reads movies, templates, webhooks and the account' },
	{ name: 'Render', value: 'render', description: 'Renders movies, reads templates, uploads assets' },
];
