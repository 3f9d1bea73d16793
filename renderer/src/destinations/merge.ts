/**
 * The one merge of a destination's saved connection (opened from the sealed blob) with the movie's
 * inline fields, for delivery. Only own enumerable fields count: a field that reaches the destination
 * through a prototype (`{"__proto__": {"host": …}}` after an object parse) never does, and the keys
 * `__proto__`, `constructor` and `prototype` are dropped. The saved type always wins.
 */
import { safeAssign } from '../safe-json';

export function mergeDestination(saved: Record<string, unknown> | undefined, inline: Record<string, unknown>): Record<string, unknown> {
  const merged = safeAssign(saved, inline);
  if (saved && Object.prototype.hasOwnProperty.call(saved, 'type') && saved.type) merged.type = saved.type;
  return merged;
}
