import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { reelayApiRequest } from '../transport';

/**
 * Sends one binary field of an item to `POST /v2/uploads` as the raw body and returns the upload
 * (`{id, url, …}`); the url (`reelay://uploads/<id>`) is what a movie element uses as `src`.
 */
export async function uploadBinaryProperty(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<IDataObject> {
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	const response = await reelayApiRequest.call(this, {
		method: 'POST',
		endpoint: '/v2/uploads',
		body: buffer,
		// The bridge finds the real type by probing the bytes; the name is for display only.
		qs: { name: binary.fileName ?? binaryPropertyName },
		headers: { 'Content-Type': binary.mimeType || 'application/octet-stream' },
		itemIndex,
	});
	return (response.upload ?? response) as IDataObject;
}
