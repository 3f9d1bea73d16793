/**
 * Where a movie comes from, for the operations that send one (Render, Validate): a movie JSON, or a
 * saved template with its variables mapped field by field or given as JSON.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import { jsonParameter } from '../../helpers/json';
import { templateLocator } from '../common.descriptions';

const EXAMPLE_MOVIE = JSON.stringify(
	{
		resolution: 'custom',
		width: 640,
		height: 360,
		scenes: [
			{
				duration: 3,
				'background-color': '#1f2937',
				elements: [{ type: 'text', text: 'Hello from n8n' }],
			},
		],
	},
	null,
	2,
);

export const movieSourceProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Movie JSON', value: 'json', description: 'Describe the whole movie in JSON' },
			{ name: 'Template', value: 'template', description: 'Fill a saved template with variables' },
		],
		default: 'json',
	},
	{
		displayName: 'Movie',
		name: 'movie',
		type: 'json',
		default: EXAMPLE_MOVIE,
		required: true,
		description: 'The movie in Reelay\'s (JSON2Video-compatible) movie JSON',
		displayOptions: { show: { source: ['json'] } },
	},
	{ ...templateLocator, displayOptions: { show: { source: ['template'] } } },
	{
		displayName: 'Variables Input',
		name: 'variablesMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Map Each Variable', value: 'map' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'map',
		displayOptions: { show: { source: ['template'] } },
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['template.value'],
			resourceMapper: {
				resourceMapperMethod: 'getTemplateVariables',
				mode: 'add',
				fieldWords: { singular: 'variable', plural: 'variables' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
			},
		},
		displayOptions: { show: { source: ['template'], variablesMode: ['map'] } },
	},
	{
		displayName: 'Variables (JSON)',
		name: 'variablesJson',
		type: 'json',
		default: '{}',
		description: 'Template variables as one JSON object, e.g. {"title": "Hello"}',
		displayOptions: { show: { source: ['template'], variablesMode: ['json'] } },
	},
];

function templateVariables(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const mode = this.getNodeParameter('variablesMode', itemIndex, 'map') as string;
	if (mode === 'json') return jsonParameter.call(this, 'variablesJson', itemIndex);
	const mapped = this.getNodeParameter('variables', itemIndex, null) as ResourceMapperValue | null;
	return (mapped?.value ?? {}) as IDataObject;
}

/** The POST /v2/movies body the fields describe; `extraVariables` fill a template's variables first. */
export function movieRequestBody(this: IExecuteFunctions, itemIndex: number, extraVariables: IDataObject = {}): IDataObject {
	const source = this.getNodeParameter('source', itemIndex) as string;
	if (source !== 'template') return jsonParameter.call(this, 'movie', itemIndex);
	const template = this.getNodeParameter('template', itemIndex, '', { extractValue: true }) as string;
	return { template, variables: { ...extraVariables, ...templateVariables.call(this, itemIndex) } };
}
