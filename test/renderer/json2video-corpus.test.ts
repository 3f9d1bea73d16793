/**
 * Reelay's promise is that JSON2Video's v2 movie JSON renders unchanged. This suite holds Reelay's
 * schema to the movies JSON2Video itself publishes: every complete movie from its documentation,
 * tutorials, OpenAPI spec and n8n node (test/fixtures/json2video/, one per file, with the URL it came
 * from) goes through `validateMovie` exactly as written, asset URLs aside.
 *
 * Every fixture must validate, except the ones in KNOWN_REFUSALS: those are refused today, for a
 * stated reason, with exactly the listed issues. So the suite fails when a movie that validated stops
 * validating, when a known refusal changes its reason, and when a known refusal starts validating
 * (then delete its entry: the feature landed).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { MovieIssue } from '../../renderer/src/errors';
import { validateMovie } from '../../renderer/src/schema/validate';

const FIXTURES = join(__dirname, '..', 'fixtures', 'json2video');

interface Fixture {
  source: string;
  note?: string;
  movie: Record<string, unknown>;
}

interface KnownRefusal {
  /** Why Reelay refuses this published movie today, and what would lift the refusal. */
  reason: string;
  /** The exact issues validateMovie answers today. */
  issues: MovieIssue[];
}

const KNOWN_REFUSALS: Record<string, KnownRefusal> = {
  '007-n8n-readme-template-movie.json': {
    reason: 'a saved-template body: {{background_image}} and {{quote_text}} come from the render request, Reelay refuses undefined variables',
    issues: [
      { path: 'scenes[0].elements[0].src', message: "variable 'background_image' is not defined" },
      { path: 'scenes[0].elements[1].text', message: "variable 'quote_text' is not defined" },
    ],
  },
};

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
}

describe('JSON2Video-published movies (test/fixtures/json2video)', () => {
  test('the corpus holds at least 40 complete movies, each with its source', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    for (const file of files) {
      expect(file).toMatch(/^\d{3}-[a-z0-9-]+\.json$/);
      const fixture = load(file);
      expect(typeof fixture.source).toBe('string');
      expect(fixture.source.length).toBeGreaterThan(0);
      expect(fixture.movie !== null && typeof fixture.movie === 'object' && !Array.isArray(fixture.movie)).toBe(true);
      expect('scenes' in fixture.movie || 'elements' in fixture.movie).toBe(true);
      // Asset URLs point at an address nothing listens on (export destinations are left as published).
      const remote = JSON.stringify({ ...fixture.movie, exports: undefined }).match(/https?:\/\/(?!127\.0\.0\.1:1\/)[^"]+/g);
      expect(remote).toBeNull();
    }
  });

  test('every known refusal names a fixture that exists', () => {
    expect(Object.keys(KNOWN_REFUSALS).filter((f) => !files.includes(f))).toEqual([]);
  });

  const accepted = files.filter((f) => !(f in KNOWN_REFUSALS));
  const refused = files.filter((f) => f in KNOWN_REFUSALS);

  test.each(accepted)('%s validates', (file) => {
    const result = validateMovie(load(file).movie);
    // The issues themselves are the report when this fails.
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test.each(refused)('%s is refused today for its known reason', (file) => {
    const known = KNOWN_REFUSALS[file];
    expect(known.reason.length).toBeGreaterThan(0);
    const result = validateMovie(load(file).movie);
    // Passing now? The feature landed: remove the entry from KNOWN_REFUSALS.
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual(known.issues);
  });
});
