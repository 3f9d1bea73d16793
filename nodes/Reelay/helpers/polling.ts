/**
 * Render-and-wait: polls `GET /v2/movies?project=ID` with a growing interval (5 s, ×1.5 each time,
 * capped at six times the first interval, i.e. 30 s by default) until the movie is done or failed, or
 * the maximum wait is over. Waiting uses n8n's `sleep` in short slices so a cancelled execution
 * stops polling within a second.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { reelayApiRequest } from '../transport';

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
const BACKOFF_FACTOR = 1.5;
const MAX_INTERVAL_FACTOR = 6;

/** The interval sequence: first, first×1.5, … capped at first×6. */
export function nextPollInterval(currentMs: number, firstMs: number): number {
	return Math.min(currentMs * BACKOFF_FACTOR, firstMs * MAX_INTERVAL_FACTOR);
}

async function sleepUnlessCancelled(this: IExecuteFunctions, ms: number): Promise<boolean> {
	const signal = this.getExecutionCancelSignal();
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (signal?.aborted) return false;
		await sleep(Math.min(1000, until - Date.now()));
	}
	return !signal?.aborted;
}

export async function getMovie(this: IExecuteFunctions, project: string, itemIndex: number): Promise<IDataObject> {
	const response = await reelayApiRequest.call(this, {
		method: 'GET',
		endpoint: '/v2/movies',
		qs: { project },
		itemIndex,
	});
	return (response.movie ?? response) as IDataObject;
}

export async function waitForMovie(
	this: IExecuteFunctions,
	project: string,
	itemIndex: number,
	maxWaitSeconds: number,
	firstIntervalSeconds: number,
): Promise<IDataObject> {
	const firstMs = Math.max(firstIntervalSeconds, 0.05) * 1000;
	const deadline = Date.now() + maxWaitSeconds * 1000;
	let interval = firstMs;
	for (;;) {
		const movie = await getMovie.call(this, project, itemIndex);
		if (movie.status === 'done') return movie;
		if (movie.status === 'error') {
			const reason = String(movie.message ?? 'no reason given');
			const error = new NodeOperationError(this.getNode(), 'The render failed', {
				description: `${reason}\nProject ${project}. Fix the movie (the message names the element) and render again.`,
				itemIndex,
			});
			// Set after construction: n8n replaces messages that mention e.g. ECONNREFUSED with a
			// generic sentence, which would hide which asset of the movie failed.
			error.message = `The render failed: ${reason}`;
			throw error;
		}
		const left = deadline - Date.now();
		if (left <= 0) {
			throw new NodeOperationError(
				this.getNode(),
				`The render did not finish within ${maxWaitSeconds} s (status ${String(movie.status)}, ${String(movie.progress ?? 0)}%)`,
				{
					description: `Project ${project} keeps rendering. Raise "Maximum Wait", or turn waiting off and use the Reelay Trigger or "Get Status" later.`,
					itemIndex,
				},
			);
		}
		if (!(await sleepUnlessCancelled.call(this, Math.min(interval, left)))) {
			throw new NodeOperationError(this.getNode(), 'Execution cancelled while waiting for the render', { itemIndex });
		}
		interval = nextPollInterval(interval, firstMs);
	}
}
