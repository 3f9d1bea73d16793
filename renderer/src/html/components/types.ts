/**
 * The contract between a component of JSON2Video's library and the HTML engine: a component turns
 * its (already validated) settings and its box into markup and CSS; the engine wraps them in a page
 * exactly the box's size, brings the fonts the CSS names, and drives time. Motion is CSS animations
 * starting at t=0 (the element's start), which the engine pauses and seeks frame by frame.
 */
import type { z } from 'zod';

export interface ComponentContext {
  /** The element's box in pixels (the component's own page). */
  width: number;
  height: number;
  /** Seconds the element lasts. */
  duration: number;
  fps: number;
}

export interface ComponentMarkup {
  html: string;
  css: string;
  /** Font families the css names (the engine adds their @font-face rules). */
  fonts: string[];
}

export interface ComponentDefinition<S = unknown> {
  /** JSON2Video's id, e.g. `basic/000`. */
  id: string;
  /** What it is, in a few words (README, error messages). */
  title: string;
  /** Untrusted settings in, safe values out: every value that reaches CSS or markup passed through it. */
  settings: z.ZodType<S>;
  /** Whether it moves (frames) or is one still. */
  animated: boolean;
  /**
   * Its markup carries HTML written in the movie (shape/html), scripts possible: the engine draws it
   * as an html element's page (a fresh context, the virtual clock, the whole box), not in the pages
   * a render reuses for Reelay's own script-free documents.
   */
  untrustedMarkup?: boolean;
  render(settings: S, ctx: ComponentContext): ComponentMarkup;
}

/** Keeps each file's settings type tied to its schema, and gives the library one shape to list. */
export function defineComponent<S>(def: ComponentDefinition<S>): ComponentDefinition<S> {
  return def;
}
