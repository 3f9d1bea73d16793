import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** A `json` parameter arrives as an object (from an expression) or as text (typed in the editor). */
export function jsonParameter(this: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): IDataObject {
	const value = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (value === undefined || value === null || value === '') return {};
	if (typeof value === 'object') return value as IDataObject;
	try {
		const parsed = JSON.parse(String(value)) as unknown;
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
		return parsed as IDataObject;
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `"${name}" must be a JSON object`, {
			description: `Could not read it as a JSON object: ${(error as Error).message}`,
			itemIndex,
		});
	}
}

/** "a, b ,c" → ['a','b','c'] */
export function splitList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part.length > 0);
}
