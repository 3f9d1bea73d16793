/**
 * Movie → Validate: the checks of a render (schema, variables, template, connections, URL policy,
 * limits) without rendering or charging. The output says whether the movie is valid, every problem
 * with its JSON path, and what the render would cost.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { reelayApiRequest } from '../../transport';
import { movieRequestBody, movieSourceProperties } from './source';

const properties: INodeProperties[] = [...movieSourceProperties];

export const description = updateDisplayOptions({ show: { resource: ['movie'], operation: ['validate'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body = movieRequestBody.call(this, itemIndex);
	return [{ json: await reelayApiRequest.call(this, { method: 'POST', endpoint: '/v2/movies/validate', body, itemIndex }) }];
}
