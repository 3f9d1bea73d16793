import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations; the router and resource files are checked against this map. */
type NodeMap = {
	movie: 'render' | 'validate' | 'getStatus' | 'getMany' | 'delete';
	template: 'create' | 'get' | 'getMany' | 'update' | 'delete' | 'getVariables';
	connection: 'create' | 'get' | 'getMany' | 'delete';
	apiKey: 'create' | 'getMany' | 'update' | 'roll' | 'revoke';
	upload: 'upload';
	account: 'get';
};

export type ReelayType = AllEntities<NodeMap>;
