import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { jsonParameter } from '../../helpers/json';
import { reelayApiRequest } from '../../transport';
import { connectionId, unwrapConnection } from './fields';

export const description = updateDisplayOptions({ show: { resource: ['connection'], operation: ['create'] } }, [
	connectionId,
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Azure TTS', value: 'azure-tts' },
			{ name: 'Black Forest Labs', value: 'bfl' },
			{ name: 'ElevenLabs', value: 'elevenlabs' },
			{ name: 'Email (SMTP)', value: 'email' },
			{ name: 'Fal', value: 'fal' },
			{ name: 'FTP', value: 'ftp' },
			{ name: 'Replicate', value: 'replicate' },
			{ name: 'SFTP', value: 'sftp' },
			{ name: 'Webhook', value: 'webhook' },
		],
		default: 'elevenlabs',
		description: 'What kind of service the connection reaches',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'json',
		default: '{\n  "api-key": ""\n}',
		description:
			"The connection's settings as JSON (GET /v2/connection-types lists them per type). Reelay encrypts secrets and never shows them again.",
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body: IDataObject = {
		id: this.getNodeParameter('connectionId', itemIndex) as string,
		type: this.getNodeParameter('type', itemIndex) as string,
		...jsonParameter.call(this, 'fields', itemIndex),
	};
	const response = await reelayApiRequest.call(this, { method: 'POST', endpoint: '/v2/connections', body, itemIndex });
	return [{ json: unwrapConnection(response) }];
}
