/**
 * Fonts bundled with the renderer: the `@fontsource/*` packages in renderer/package.json (Google
 * Fonts' own files, split into Unicode subsets, so nothing is fetched at render time). Adding a
 * family is adding its package; the list below reads the dependencies, so the two cannot drift.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import rendererPackage from '../../package.json';
import { familyKey, type FontFace, type FontStyle } from './face';

interface FontsourceMetadata {
  id: string;
  family: string;
  subsets: string[];
  weights: number[];
  styles: string[];
}

export interface BundledFamily {
  family: string;
  /** The npm package, e.g. `@fontsource/luckiest-guy`. */
  packageName: string;
  faces: FontFace[];
}

const PREFIX = '@fontsource/';

function loadFamily(packageName: string): BundledFamily | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return undefined; // not installed (a trimmed image): the family resolves further down the chain
  }
  const meta = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as FontsourceMetadata;
  const ranges = JSON.parse(readFileSync(path.join(dir, 'unicode.json'), 'utf8')) as Record<string, string>;
  const faces: FontFace[] = [];
  for (const subset of meta.subsets) {
    for (const weight of meta.weights) {
      for (const style of meta.styles) {
        // WOFF2: the smallest of the shipped formats; FreeType (drawtext, libass) and Chromium read it.
        faces.push({
          file: path.join(dir, 'files', `${meta.id}-${subset}-${weight}-${style}.woff2`),
          weight,
          style: style as FontStyle,
          unicodeRange: ranges[subset]?.replace(/\s+/g, ''),
        });
      }
    }
  }
  return { family: meta.family, packageName, faces };
}

let families: Map<string, BundledFamily> | undefined;

/** Every bundled family, by familyKey. Read once: the packages do not change under a running process. */
export function bundledFamilies(): Map<string, BundledFamily> {
  if (!families) {
    families = new Map();
    const names = Object.keys(rendererPackage.dependencies).filter((name) => name.startsWith(PREFIX));
    for (const name of names) {
      const family = loadFamily(name);
      if (family) families.set(familyKey(family.family), family);
    }
  }
  return families;
}

export function bundledFamily(family: string): BundledFamily | undefined {
  return bundledFamilies().get(familyKey(family));
}
