import { ConnectionType, connectionTypeForModel, connectionTypes, fieldsOf, isConnectionType } from './types';

/**
 * Where a movie uses connections: voice/image elements with a provider model, and export
 * destinations. Each site has a JSON path (`scenes[0].elements[1]`, `exports[0].destinations[0]`), the
 * saved connection it references (if any), the type it needs, and the inline fields that belong to
 * that type (overrides of the saved connection, or the whole configuration when nothing is saved).
 */
export interface ConnectionSite {
  path: string;
  kind: 'element' | 'destination';
  /** Saved connection id: `connection` on an element, `id` on a destination. */
  connectionId?: string;
  /** The type the site needs: from the element model or the destination `type`; undefined = take the saved one. */
  type?: ConnectionType;
  /** An inline destination `type` that is not a connection type (reported by the caller). */
  unknownType?: string;
  /** Inline fields of the connection type given on the element/destination. */
  inline: Record<string, unknown>;
}

/** Element fields that are the element's own request parameters, never connection overrides. */
const ELEMENT_OWN_FIELDS = new Set(['type', 'model', 'connection', 'voice', 'text', 'prompt', 'id', 'src']);
/** Destination fields that are not connection fields. */
const DESTINATION_OWN_FIELDS = new Set(['id', 'type']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function findConnectionSites(movie: unknown): ConnectionSite[] {
  const sites: ConnectionSite[] = [];
  if (!isObject(movie)) return sites;
  const elementLists: [string, unknown][] = [['elements', movie.elements]];
  if (Array.isArray(movie.scenes)) movie.scenes.forEach((scene, i) => isObject(scene) && elementLists.push([`scenes[${i}].elements`, scene.elements]));
  for (const [base, list] of elementLists) {
    if (!Array.isArray(list)) continue;
    list.forEach((el, j) => {
      const site = isObject(el) ? elementSite(`${base}[${j}]`, el) : undefined;
      if (site) sites.push(site);
    });
  }
  if (Array.isArray(movie.exports)) {
    movie.exports.forEach((exp, i) => {
      if (!isObject(exp) || !Array.isArray(exp.destinations)) return;
      exp.destinations.forEach((dest, j) => {
        if (isObject(dest)) sites.push(destinationSite(`exports[${i}].destinations[${j}]`, dest));
      });
    });
  }
  return sites;
}

function elementSite(path: string, el: Json): ConnectionSite | undefined {
  if (el.type !== 'voice' && el.type !== 'image') return undefined;
  const model = typeof el.model === 'string' ? el.model : undefined;
  const connectionId = typeof el.connection === 'string' ? el.connection : undefined;
  const type = model ? connectionTypeForModel(el.type, model) : undefined;
  // An image with a src, a local voice, or no model: nothing to connect, unless a connection is named.
  if (!type && !connectionId) return undefined;
  const fields = type ? fieldsOf(type) : [];
  const inline: Json = {};
  for (const f of fields) if (!ELEMENT_OWN_FIELDS.has(f) && el[f] !== undefined) inline[f] = el[f];
  return { path, kind: 'element', connectionId, type, inline };
}

function destinationSite(path: string, dest: Json): ConnectionSite {
  const connectionId = typeof dest.id === 'string' ? dest.id : undefined;
  const rawType = typeof dest.type === 'string' ? dest.type : undefined;
  const type = rawType && isConnectionType(rawType) && connectionTypes[rawType].kind === 'destination' ? rawType : undefined;
  const inline: Json = {};
  for (const [k, v] of Object.entries(dest)) if (!DESTINATION_OWN_FIELDS.has(k) && v !== undefined) inline[k] = v;
  return { path, kind: 'destination', connectionId, type, unknownType: rawType && !type ? rawType : undefined, inline };
}

/** Reads a value at a site path such as `scenes[0].elements[1]`. */
export function atPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
