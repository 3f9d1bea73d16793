/**
 * What one movie may hold. A movie is one ffmpeg graph and its JSON is walked several times (variables,
 * schema, price), so everything a request can make large is capped here, checked before any of that
 * work starts, with the JSON path of the first value over the line. The README's "Limits" table lists
 * these numbers; the bridge answers 400 `limit_exceeded` for any of them.
 */
import { formatPath, type MovieIssue } from '../errors';

export const MOVIE_LIMITS = {
  /** Objects and arrays inside one another (the resolver and the price walk are recursive). */
  maxDepth: 64,
  /** Every value in the movie JSON (objects, arrays, strings, numbers…) as sent. */
  maxValues: 200_000,
  /** Characters in one string (inline captions are the longest legitimate strings). */
  maxStringLength: 200_000,
  /** Characters in a text or voice element's `text`. */
  maxTextLength: 10_000,
  /** Characters inside one `{{…}}`. */
  maxExpressionLength: 1_000,
  /** Brackets, operators and calls inside one another in one expression. */
  maxExpressionDepth: 32,
  /** Scenes, after `iterate` copies. */
  maxScenes: 500,
  /** Elements in the whole movie (scenes' and movie-level), after `iterate` copies. */
  maxElements: 2_000,
  /** Copies one iterating scene makes. */
  maxIterationsPerScene: 200,
  /** Seconds: the longest time any `duration`, `start`, `fade-*` or `extra-time` may give. */
  maxSeconds: 7_200,
  /**
   * width × height × fps × seconds: two hours of 1080p at 30 fps. 4K at 60 fps gets 15 minutes,
   * 720p at 25 fps over six hours (then `maxSeconds` applies).
   */
  maxPixelFrames: 1920 * 1080 * 30 * 7_200,
  /** An image or video a movie uses: decoding a larger one takes more memory than a render has. */
  maxSourceSide: 16_384,
  maxSourcePixels: 100_000_000,
} as const;

/** Issues that come from a cap above carry this code, so callers can answer it apart. */
export const LIMIT_CODE = 'limit_exceeded';

export function limitIssue(path: ReadonlyArray<PropertyKey>, message: string): MovieIssue {
  return { path: formatPath(path), message, code: LIMIT_CODE };
}

/**
 * Checks the raw JSON's shape: scene and element counts as sent, nesting depth, number of values,
 * string lengths. Iterative (an explicit stack), so 10,000 nested arrays cannot overflow the call
 * stack, and linear in the size of the JSON. Returns the first problems found (at most a few: one
 * is enough to refuse, and the walk stops early).
 */
export function checkMovieShape(json: unknown): MovieIssue[] {
  // Counts first: "100000 elements; at most 2000" says more than "more than 200000 values".
  const counts = checkMovieCounts(json);
  if (counts.length > 0) return counts;
  interface Node { value: unknown; key: PropertyKey; parent: Node | null; depth: number }
  const pathOf = (n: Node): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at: Node | null = n; at?.parent; at = at.parent) path.unshift(at.key);
    return path;
  };
  const issues: MovieIssue[] = [];
  const stack: Node[] = [{ value: json, key: '', parent: null, depth: 0 }];
  let values = 0;
  while (stack.length > 0 && issues.length < 5) {
    const node = stack.pop()!;
    const { value } = node;
    if (++values > MOVIE_LIMITS.maxValues) {
      issues.push(limitIssue([], `the movie holds more than ${MOVIE_LIMITS.maxValues} values`));
      break;
    }
    if (typeof value === 'string') {
      if (value.length > MOVIE_LIMITS.maxStringLength) issues.push(limitIssue(pathOf(node), `longer than ${MOVIE_LIMITS.maxStringLength} characters`));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (node.depth >= MOVIE_LIMITS.maxDepth) {
      issues.push(limitIssue(pathOf(node), `nested deeper than ${MOVIE_LIMITS.maxDepth} levels`));
      continue;
    }
    const depth = node.depth + 1;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: node, depth });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]], key: keys[i], parent: node, depth });
    }
  }
  return issues;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Scene and element counts, and text lengths: as sent, and again after variables and `iterate`
 * (then `where` maps a path in the resolved movie back to the one sent).
 */
export function checkMovieCounts(movie: unknown, where: (path: PropertyKey[]) => PropertyKey[] = (p) => p): MovieIssue[] {
  if (!isObject(movie)) return [];
  const issues: MovieIssue[] = [];
  const scenes = Array.isArray(movie.scenes) ? movie.scenes : [];
  if (scenes.length > MOVIE_LIMITS.maxScenes) issues.push(limitIssue(['scenes'], `${scenes.length} scenes; at most ${MOVIE_LIMITS.maxScenes}`));
  let elements = 0;
  const count = (list: unknown, path: PropertyKey[]) => {
    if (!Array.isArray(list)) return;
    elements += list.length;
    list.forEach((el, i) => {
      if (isObject(el) && typeof el.text === 'string' && el.text.length > MOVIE_LIMITS.maxTextLength) {
        issues.push(limitIssue(where([...path, i, 'text']), `${el.text.length} characters; at most ${MOVIE_LIMITS.maxTextLength}`));
      }
    });
  };
  count(movie.elements, ['elements']);
  scenes.forEach((scene, s) => {
    if (isObject(scene)) count(scene.elements, ['scenes', s, 'elements']);
  });
  if (elements > MOVIE_LIMITS.maxElements) issues.push(limitIssue([], `${elements} elements; at most ${MOVIE_LIMITS.maxElements} in a movie`));
  return issues.slice(0, 5);
}

/**
 * Length and pixels: the movie's length at most `maxSeconds`, and width × height × fps × length at
 * most `maxPixelFrames`. Checked on the JSON (lengths it states) and again once the assets' own
 * lengths are known, before ffmpeg starts.
 */
export function checkRenderBudget(r: { width: number; height: number; fps: number; seconds: number }): MovieIssue[] {
  if (r.seconds > MOVIE_LIMITS.maxSeconds) return [limitIssue([], `the movie lasts ${Math.round(r.seconds)} s; at most ${MOVIE_LIMITS.maxSeconds} s`)];
  const pixelFrames = r.width * r.height * r.fps * r.seconds;
  if (pixelFrames > MOVIE_LIMITS.maxPixelFrames) {
    const most = MOVIE_LIMITS.maxPixelFrames / (r.width * r.height * r.fps);
    return [limitIssue([], `${r.width}×${r.height} at ${r.fps} fps for ${Math.round(r.seconds)} s is over the budget of ${MOVIE_LIMITS.maxPixelFrames.toExponential(2)} pixel-frames; at this size and fps at most ${Math.floor(most)} s`)];
  }
  return [];
}
