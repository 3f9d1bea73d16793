/**
 * JSON2Video's component library as Reelay draws it: each id to its definition (one file each).
 * The movie schema checks `component` against this list and each `settings` against its schema.
 */
import { advanced000 } from './advanced-000';
import { advanced001 } from './advanced-001';
import { advanced050 } from './advanced-050';
import { advanced051 } from './advanced-051';
import { advanced060 } from './advanced-060';
import { advanced070 } from './advanced-070';
import { advanced100 } from './advanced-100';
import { basic000 } from './basic-000';
import { basic001 } from './basic-001';
import { basic050 } from './basic-050';
import { basic051 } from './basic-051';
import { basic052 } from './basic-052';
import { basic100 } from './basic-100';
import { basic125 } from './basic-125';
import { shape3dbox } from './shape-3dbox';
import { shapeCutout } from './shape-cutout';
import { shapeHtml } from './shape-html';
import { shapePolygon } from './shape-polygon';
import { shapeRectangle } from './shape-rectangle';
import { textboxSimple } from './textbox-simple';
import type { ComponentDefinition } from './types';

const ALL = [
  basic000, basic001, basic050, basic051, basic052, basic100, basic125, advanced000, advanced001, advanced050, advanced051, advanced060, advanced070, advanced100,
  shapeRectangle, shapePolygon, shapeCutout, shape3dbox, shapeHtml, textboxSimple,
] as ComponentDefinition[];

export const COMPONENTS: ReadonlyMap<string, ComponentDefinition> = new Map(ALL.map((c) => [c.id, c]));

/** Supported ids, in the library's order. */
export const componentIds = (): string[] => [...COMPONENTS.keys()];

export type { ComponentContext, ComponentDefinition, ComponentMarkup } from './types';

