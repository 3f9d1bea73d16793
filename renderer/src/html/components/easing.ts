/**
 * JSON2Video's components are animated with anime.js and name its easings (`easeOutElastic`,
 * `easeInOutExpo`…). CSS has no elastic or bounce curve, but `linear()` takes any curve as points:
 * each easing is anime.js's formula sampled, so a CSS animation (which the engine can seek) moves
 * as the original does, overshoot included.
 */
import { z } from 'zod';

type Curve = (t: number) => number;

/** anime.js's "in" curves (its source: penner equations, elastic with amplitude 1, period 0.5). */
const IN: Record<string, Curve> = {
  Quad: (t) => t ** 2,
  Cubic: (t) => t ** 3,
  Quart: (t) => t ** 4,
  Quint: (t) => t ** 5,
  Sine: (t) => 1 - Math.cos((t * Math.PI) / 2),
  Expo: (t) => (t === 0 ? 0 : 2 ** (10 * t - 10)),
  Circ: (t) => 1 - Math.sqrt(1 - t * t),
  Back: (t) => t * t * (3 * t - 2),
  Elastic: (t) => {
    if (t === 0 || t === 1) return t;
    const p = 0.5;
    return -(2 ** (10 * (t - 1))) * Math.sin(((t - 1 - (p / (2 * Math.PI)) * Math.asin(1)) * (2 * Math.PI)) / p);
  },
  Bounce: (t) => {
    let pow2: number;
    let b = 4;
    while (t < ((pow2 = 2 ** --b) - 1) / 11);
    return 1 / 4 ** (3 - b) - 7.5625 * ((pow2 * 3 - 2) / 22 - t) ** 2;
  },
};

const NAMES = Object.keys(IN).flatMap((n) => [`easeIn${n}`, `easeOut${n}`, `easeInOut${n}`]);
const CSS_KEYWORDS = ['linear', 'ease', 'ease-in', 'ease-out', 'ease-in-out'] as const;
export const EASINGS = ['linear', ...NAMES, ...CSS_KEYWORDS.slice(1)] as const;

export const easing = z.enum(EASINGS as unknown as [string, ...string[]]);

function curve(name: string): Curve | undefined {
  const m = /^ease(InOut|In|Out)([A-Za-z]+)$/.exec(name);
  const f = m ? IN[m[2]] : undefined;
  if (!m || !f) return undefined;
  if (m[1] === 'In') return f;
  if (m[1] === 'Out') return (t) => 1 - f(1 - t);
  return (t) => (t < 0.5 ? f(t * 2) / 2 : 1 - f(t * -2 + 2) / 2);
}

/** Points per curve: enough that a bounce's corners and an elastic's wiggles stay sharp. */
const SAMPLES = 60;

/** A CSS timing function for the easing (validated by `easing` first). */
export function cssEasing(name: string): string {
  if ((CSS_KEYWORDS as readonly string[]).includes(name)) return name;
  const f = curve(name);
  if (!f) return 'linear';
  const points = Array.from({ length: SAMPLES + 1 }, (_, i) => Math.round(f(i / SAMPLES) * 10_000) / 10_000);
  return `linear(${points.join(',')})`;
}
