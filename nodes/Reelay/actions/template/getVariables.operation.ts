import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { templateLocator } from './fields';

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['getVariables'] } }, [
	templateLocator,
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('template', itemIndex, '', { extractValue: true }) as string;
	const response = await reelayApiRequest.call(this, {
		method: 'GET',
		endpoint: `/v2/templates/${encodeURIComponent(id)}/variables`,
		itemIndex,
	});
	const variables = Array.isArray(response.variables) ? (response.variables as IDataObject[]) : [];
	return variables.map((variable) => ({ json: variable }));
}
