import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { reelayApiRequest } from '../transport';

/**
 * Sends one binary field of an item to `POST /v2/uploads` as the raw body and returns the upload
 * (`{id, url, …}`); the url is what a movie element uses as `src`.
 */
export async function uploadBinaryProperty(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<IDataObject> {
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	const fileName = (binary.fileName ?? binaryPropertyName).replace(/["\\\r\n]/g, '_');
	const response = await reelayApiRequest.call(this, {
		method: 'POST',
		endpoint: '/v2/uploads',
		body: buffer,
		headers: {
			'Content-Type': binary.mimeType || 'application/octet-stream',
			'Content-Disposition': `attachment; filename="${fileName}"`,
		},
		itemIndex,
	});
	return (response.upload ?? response) as IDataObject;
}
