/**
 * JSON2Video's automatic element variables: an element with an `id` gives the elements after it in
 * the same container (its scene, or the movie for movie-level elements) `<id>_start`, `<id>_end`,
 * `<id>_duration` and `<id>_extratime`, in seconds within the container (`"start": "{{intro_end}}"`).
 *
 * When the JSON fixes the element's timing these are exact at once. When only its asset can tell
 * (a video's own length, `duration` -1 or absent) they are stand-ins while the movie is validated
 * and priced, and the fields that used them are worked out again by the renderer once the assets
 * are probed (normalise), in order, so a chain of elements each starting when the last ends works.
 * An element that lasts as long as its container (-2) has no end before the container does, so it
 * gives no variables; nor can a `condition` use one that is not known yet.
 */
export interface ElementTime {
  start: number;
  duration: number;
  extratime: number;
}

/** `<id>_start`, `<id>_end` (start + duration + extra time), `<id>_duration`, `<id>_extratime`. */
export function timeVariables(id: string, t: ElementTime): Record<string, number> {
  return {
    [`${id}_start`]: t.start,
    [`${id}_end`]: t.start + t.duration + t.extratime,
    [`${id}_duration`]: t.duration,
    [`${id}_extratime`]: t.extratime,
  };
}

/** Used while validating and pricing for a timing only the asset knows: one second from the start. */
export const STAND_IN: ElementTime = { start: 0, duration: 1, extratime: 0 };

const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** What the (resolved) JSON alone says of an element's timing, or undefined when its asset or container decides. */
export function statedTime(el: Record<string, unknown>): ElementTime | undefined {
  const start = el.start === undefined ? 0 : seconds(el.start);
  const duration = seconds(el.duration);
  const extratime = el['extra-time'] === undefined ? 0 : seconds(el['extra-time']);
  if (start === undefined || duration === undefined || duration <= 0 || extratime === undefined) return undefined;
  return { start, duration, extratime };
}

/** Fields that decide what is downloaded or spoken: needed before the assets, they can not wait for them. */
const DECIDED_BEFORE_ASSETS = new Set(['type', 'id', 'src', 'prompt', 'model', 'voice', 'captions', 'connection', 'font-family', 'font-url']);

export function decidedBeforeAssets(type: unknown, field: readonly (string | number)[]): boolean {
  return DECIDED_BEFORE_ASSETS.has(String(field[field.length - 1])) || (type === 'voice' && field[0] === 'text');
}

/**
 * A field of an element whose value used a time only the assets will tell: where it is, and how to
 * work it out again from the element variables known by then.
 */
export interface DeferredField {
  /** The scene's index in the resolved movie, or undefined for a movie-level element. */
  scene: number | undefined;
  /** The element's index in its (resolved) container. */
  element: number;
  /** Keys from the element to the field (`['start']`, `['settings', 'font-size']`). */
  field: (string | number)[];
  /** The field's JSON path in the movie as sent, for errors. */
  path: string;
  evaluate(elementVariables: Record<string, number>): unknown;
}
