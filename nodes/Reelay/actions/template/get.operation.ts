import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { templateLocator, unwrapTemplate } from './fields';

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['get'] } }, [
	templateLocator,
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('template', itemIndex, '', { extractValue: true }) as string;
	const response = await reelayApiRequest.call(this, {
		method: 'GET',
		endpoint: `/v2/templates/${encodeURIComponent(id)}`,
		itemIndex,
	});
	return [{ json: unwrapTemplate(response) }];
}
