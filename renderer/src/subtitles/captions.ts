/** Caption cues from SRT or WebVTT text, and cues generated from voice elements' text and timing. */
export interface Cue {
  start: number;
  end: number;
  text: string;
}

function time(s: string): number {
  const m = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/.exec(s.trim());
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4].padEnd(3, '0')) / 1000;
}

/** Parses SRT and WebVTT (cue settings and tags are dropped). */
export function parseCaptions(text: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of text.replace(/\r/g, '').split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const i = lines.findIndex((l) => l.includes('-->'));
    if (i < 0) continue;
    const [a, b] = lines[i].split('-->');
    const start = time(a);
    const end = time(b.trim().split(/\s+/)[0]);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    cues.push({ start, end, text: lines.slice(i + 1).join('\n').replace(/<[^>]+>/g, '') });
  }
  return cues;
}

export function isAss(text: string): boolean {
  return /^\s*\[Script Info\]/i.test(text);
}

/**
 * Whether a `captions` string is the captions themselves (SRT, WebVTT or ASS text) rather than where to
 * fetch them (an http(s) or reelay:// URL, or with `--local` a file path). Caption text always has a
 * timing arrow, a `WEBVTT` header or an `[Script Info]` section, and never is a single token: the URL
 * parser drops newlines, so `WEBVTT\n\n00:…` once read as a URL with the scheme `webvtt00`.
 */
export function looksLikeInlineCaptions(s: string): boolean {
  return s.includes('-->') || isAss(s) || /^\uFEFF?\s*WEBVTT(?:[ \t\r\n]|$)/.test(s) || /[\r\n]/.test(s.trim());
}

/**
 * Splits a voice element's text into lines of at most `maxWords` words, spread over its duration in
 * proportion to their length (espeak and most TTS speak at a roughly even pace).
 */
export function cuesFromSpeech(text: string, start: number, duration: number, maxWords: number): Cue[] {
  const words = text.split(/\s+/).filter(Boolean);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += maxWords) chunks.push(words.slice(i, i + maxWords).join(' '));
  const total = chunks.reduce((n, c) => n + c.length, 0) || 1;
  let t = start;
  return chunks.map((c) => {
    const d = (duration * c.length) / total;
    const cue = { start: t, end: t + d, text: c };
    t += d;
    return cue;
  });
}

/** Re-splits cues so no line holds more than `maxWords` words. */
export function limitWords(cues: Cue[], maxWords: number): Cue[] {
  return cues.flatMap((c) => (c.text.split(/\s+/).filter(Boolean).length > maxWords ? cuesFromSpeech(c.text, c.start, c.end - c.start, maxWords) : [c]));
}
