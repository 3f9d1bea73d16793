import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * A Reelay API key plus the address of the (self-hosted) Reelay bridge it belongs to.
 * The key travels in `x-api-key`; the bridge refuses keys in query strings.
 */
export class ReelayApi implements ICredentialType {
	name = 'reelayApi';

	displayName = 'Reelay API';

	icon: Icon = { light: 'file:../icons/reelay.svg', dark: 'file:../icons/reelay.dark.svg' };

	documentationUrl = 'https://github.com/reelay/reelay#n8n';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8080',
			placeholder: 'https://reelay.example.com',
			description: 'Where your Reelay bridge listens, without a trailing /v2',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'rly_…',
			description:
				'A Reelay API key (starts with rly_). Give it the smallest role that covers what the workflow does: "render" to render, "manager" for connections, the primary key for API key rotation.',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// n8n shows the rule's message for a matching status, so each one says what to fix.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/auth/verify',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Reelay rejected the API key: it is missing, mistyped, expired or revoked. Copy the full key (rly_…) again or create a new one.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API key is valid but may not call /v2/auth/verify. Use a key with a role.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Reelay API answers at this Base URL. Use the bridge address without /v2 (e.g. http://localhost:8080).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message: 'Too many failed attempts from this address; wait a minute and test again.',
				},
			},
		],
	};
}
