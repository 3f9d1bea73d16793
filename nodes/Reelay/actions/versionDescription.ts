/** The resource/operation fields of version 1, assembled from each resource's own file. */
import type { INodeProperties } from 'n8n-workflow';

import * as account from './account/Account.resource';
import * as apiKey from './apiKey/ApiKey.resource';
import * as connection from './connection/Connection.resource';
import * as movie from './movie/Movie.resource';
import * as template from './template/Template.resource';
import * as upload from './upload/Upload.resource';

export const versionProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'API Key', value: 'apiKey' },
			{ name: 'Connection', value: 'connection' },
			{ name: 'Movie', value: 'movie' },
			{ name: 'Template', value: 'template' },
			{ name: 'Upload', value: 'upload' },
		],
		default: 'movie',
	},
	...movie.description,
	...template.description,
	...connection.description,
	...apiKey.description,
	...upload.description,
	...account.description,
];
