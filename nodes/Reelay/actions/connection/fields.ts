import type { IDataObject, INodeProperties } from 'n8n-workflow';

export const connectionId: INodeProperties = {
	displayName: 'Connection ID',
	name: 'connectionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. my-elevenlabs',
	description: 'Lower-case letters, digits and dashes; movies reference the connection by this ID',
};

export function unwrapConnection(response: IDataObject): IDataObject {
	return (response.connection ?? response) as IDataObject;
}
