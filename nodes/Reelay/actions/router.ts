/**
 * Dispatches each input item to `actions/<resource>/<operation>.operation.ts`. Items are handled one
 * at a time: every output item is paired with the input that produced it, and with "Continue On
 * Fail" a failing item yields `{error, code, httpCode}` instead of stopping the workflow.
 */
import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as account from './account/Account.resource';
import * as apiKey from './apiKey/ApiKey.resource';
import * as connection from './connection/Connection.resource';
import * as movie from './movie/Movie.resource';
import type { ReelayType } from './node.type';
import type { OperationModule } from './operation';
import * as template from './template/Template.resource';
import * as upload from './upload/Upload.resource';

const resources: { [R in ReelayType['resource']]: Record<string, OperationModule> } = {
	movie: movie.operations,
	template: template.operations,
	connection: connection.operations,
	apiKey: apiKey.operations,
	upload: upload.operations,
	account: account.operations,
};

/** Errors already shaped for n8n pass through; anything else is wrapped so the UI can show it. */
function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	for (const key of ['reelayCode', 'details', 'requestId'] as const) {
		if (error.context?.[key] !== undefined) json[key === 'reelayCode' ? 'code' : key] = error.context[key] as JsonObject;
	}
	return { json, pairedItem: { item: itemIndex } };
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	const resource = this.getNodeParameter('resource', 0) as ReelayType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	for (let i = 0; i < items.length; i++) {
		try {
			const output = await module.execute.call(this, i);
			for (const item of output) returnData.push({ ...item, pairedItem: { item: i } });
		} catch (error) {
			const nodeError = asNodeError.call(this, error, i);
			if (this.continueOnFail()) {
				returnData.push(errorItem(nodeError, i));
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}
