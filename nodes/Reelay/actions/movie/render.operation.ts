/**
 * Movie → Render: sends a movie JSON or a template with variables, optionally waits for the result
 * (backoff polling) and downloads the MP4 into binary data. Binary properties of the input item can be
 * uploaded first and referenced from the movie as "binary:<property>".
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { jsonParameter, splitList } from '../../helpers/json';
import { DEFAULT_POLL_INTERVAL_SECONDS, waitForMovie } from '../../helpers/polling';
import { uploadBinaryProperty } from '../../helpers/uploads';
import { downloadFile, getBaseUrl, reelayApiRequest } from '../../transport';
import { movieRequestBody, movieSourceProperties } from './source';

const properties: INodeProperties[] = [
	...movieSourceProperties,
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to wait until the movie is rendered and return its final status',
	},
	{
		displayName: 'Maximum Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'Give up waiting after this long; the render itself goes on',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: false,
		description: 'Whether to download the finished MP4 into the item\'s binary data',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
		displayOptions: { show: { waitForCompletion: [true], download: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Client Data',
				name: 'clientData',
				type: 'json',
				default: '{}',
				description: 'Any JSON object; Reelay stores it with the render and returns it in status and webhooks',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'A value unique to this render (e.g. the row ID). Retrying with the same key returns the first render instead of starting a second one.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.05, numberPrecision: 2 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description:
					'First wait between status checks; it grows by half each time up to six times this value (5 s → 30 s by default)',
			},
			{
				displayName: 'Upload Binary Fields',
				name: 'binaryAssets',
				type: 'string',
				default: '',
				placeholder: 'e.g. image, voice',
				description:
					'Comma-separated binary fields of the input item to upload first. Use "binary:FIELD" as an element\'s src in the movie; with a template each one also fills the variable of the same name.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['movie'], operation: ['render'] } }, properties);

/** Replaces every string exactly equal to "binary:<field>" with that field's uploaded URL. */
export function substituteBinaryReferences(value: unknown, urls: Record<string, string>): unknown {
	if (typeof value === 'string') {
		const match = /^binary:(.+)$/.exec(value);
		return match && urls[match[1]] !== undefined ? urls[match[1]] : value;
	}
	if (Array.isArray(value)) return value.map((entry) => substituteBinaryReferences(entry, urls));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, substituteBinaryReferences(entry, urls)]),
		);
	}
	return value;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const uploaded: Record<string, string> = {};
	for (const field of splitList(options.binaryAssets)) {
		uploaded[field] = (await uploadBinaryProperty.call(this, itemIndex, field)).url as string;
	}

	let body = movieRequestBody.call(this, itemIndex, uploaded);
	body = substituteBinaryReferences(body, uploaded) as IDataObject;

	if (options.clientData !== undefined) {
		const clientData = jsonParameter.call(this, 'options.clientData', itemIndex);
		if (Object.keys(clientData).length > 0) body['client-data'] = clientData;
	}
	const headers: IDataObject = {};
	if (options.idempotencyKey) headers['Idempotency-Key'] = String(options.idempotencyKey);

	const created = await reelayApiRequest.call(this, { method: 'POST', endpoint: '/v2/movies', body, headers, itemIndex });
	if (!this.getNodeParameter('waitForCompletion', itemIndex, true)) {
		return [{ json: created }];
	}

	const project = String(created.project);
	const movie = await waitForMovie.call(
		this,
		project,
		itemIndex,
		this.getNodeParameter('maxWait', itemIndex, 600) as number,
		Number(options.pollInterval ?? DEFAULT_POLL_INTERVAL_SECONDS),
	);
	if (!this.getNodeParameter('download', itemIndex, false)) return [{ json: movie }];

	const baseUrl = await getBaseUrl.call(this);
	const video = await downloadFile.call(this, String(movie.url), baseUrl, itemIndex);
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const binary = await this.helpers.prepareBinaryData(video, `${project}.mp4`, 'video/mp4');
	return [{ json: movie, binary: { [binaryPropertyName]: binary } }];
}
