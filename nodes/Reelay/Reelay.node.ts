import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { versionProperties } from './actions/versionDescription';
import { getTemplateVariables, searchTemplates } from './methods';

/** Reelay: render videos from JSON or templates, and manage templates, connections, keys and uploads. */
export class Reelay implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reelay',
		name: 'reelay',
		icon: { light: 'file:../../icons/reelay.svg', dark: 'file:../../icons/reelay.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Render videos from JSON or templates with a self-hosted Reelay server',
		defaults: { name: 'Reelay' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'reelayApi', required: true }],
		properties: versionProperties,
	};

	methods = {
		listSearch: { searchTemplates },
		resourceMapping: { getTemplateVariables },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
