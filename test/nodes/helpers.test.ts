/** Pure helpers of the n8n package: backoff sequence, Retry-After, binary references, error mapping. */
import { NodeApiError, type INode } from 'n8n-workflow';
import { substituteBinaryReferences } from '../../nodes/Reelay/actions/movie/render.operation';
import { reelayError, validationProblems } from '../../nodes/Reelay/helpers/errors';
import { nextPollInterval } from '../../nodes/Reelay/helpers/polling';
import { retryAfterMs } from '../../nodes/Reelay/transport';

const node: INode = { id: '1', name: 'Reelay', type: 'CUSTOM.reelay', typeVersion: 1, position: [0, 0], parameters: {} };

test('polling backs off from 5 s by half each time and stays at 30 s', () => {
  const seen = [5000];
  while (seen.length < 8) seen.push(nextPollInterval(seen[seen.length - 1], 5000));
  expect(seen.map((ms) => Math.round(ms / 100) / 10)).toEqual([5, 7.5, 11.3, 16.9, 25.3, 30, 30, 30]);
});

test('Retry-After as seconds or an HTTP date, capped at a minute, 1 s when absent or unreadable', () => {
  expect(retryAfterMs('2')).toBe(2000);
  expect(retryAfterMs(['3'])).toBe(3000);
  expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
  expect(retryAfterMs('3600')).toBe(60_000);
  expect(retryAfterMs(undefined)).toBe(1000);
  expect(retryAfterMs('soon')).toBe(1000);
  expect(retryAfterMs('-5')).toBe(0);
});

test('binary references are replaced wherever a whole string names an uploaded field', () => {
  const movie = { scenes: [{ elements: [{ src: 'binary:photo' }, { src: 'binary:other' }, { text: 'see binary:photo' }] }] };
  expect(substituteBinaryReferences(movie, { photo: 'reelay://uploads/u1' })).toEqual({
    scenes: [{ elements: [{ src: 'reelay://uploads/u1' }, { src: 'binary:other' }, { text: 'see binary:photo' }] }],
  });
});

test('validation details are read bare or under issues/errors', () => {
  const list = [{ path: 'a', message: 'b' }];
  expect(validationProblems(list)).toEqual(list);
  expect(validationProblems({ issues: list })).toEqual(list);
  expect(validationProblems({ errors: list })).toEqual(list);
  expect(validationProblems('nope')).toEqual([]);
});

test('every mapped error is a NodeApiError with the HTTP code and the request id', () => {
  for (const [status, code] of [[401, 'expired_api_key'], [403, 'insufficient_scope'], [402, 'insufficient_credits'], [404, 'not_found'], [409, 'idempotency_conflict'], [500, 'internal_error']] as const) {
    const error = reelayError(node, status, { success: false, error: 'why', code, requestId: 'req_9' });
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.httpCode).toBe(String(status));
    expect(error.description).toContain('req_9');
    expect(error.context.reelayCode).toBe(code);
  }
  expect(reelayError(node, 409, { error: 'in flight', code: 'idempotency_in_flight' }).description).toMatch(/Idempotency-Key/);
  expect(reelayError(node, 502, '<html>bad gateway</html>').message).toBe('Reelay error 502: <html>bad gateway</html>');
});
