/**
 * Stage 4: every sound (audio, voice, video soundtracks) trimmed, levelled, faded and delayed to its
 * place, mixed without amix's automatic level scaling (so volume 1 means unchanged), padded or cut to
 * the movie's length → `[aout]`. Audiograms get their own copies of the mix.
 */
import type { Plan } from '../normalise/plan';
import { num } from './escape';

export function compileAudio(plan: Plan, chains: string[], waves: number): string {
  const labels: string[] = [];
  plan.audio.forEach((a, k) => {
    const label = `a${k}`;
    const f = [
      `atrim=duration=${num(a.duration)}`,
      'asetpts=PTS-STARTPTS',
      'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo',
    ];
    if (a.volume !== 1) f.push(`volume=${num(a.volume)}`);
    if (a.fadeIn > 0) f.push(`afade=t=in:st=0:d=${num(a.fadeIn)}`);
    if (a.fadeOut > 0) f.push(`afade=t=out:st=${num(Math.max(0, a.duration - a.fadeOut))}:d=${num(a.fadeOut)}`);
    const ms = Math.round(a.start * 1000);
    if (ms > 0) f.push(`adelay=delays=${ms}:all=1`);
    chains.push(`[${a.input}:a]${f.join(',')}[${label}]`);
    labels.push(label);
  });
  const total = num(plan.duration);
  const tail = `apad=whole_dur=${total},atrim=duration=${total}`;
  const out = waves > 0 ? 'amix' : 'aout';
  if (labels.length === 0) chains.push(`anullsrc=r=48000:cl=stereo,${tail}[${out}]`);
  else if (labels.length === 1) chains.push(`[${labels[0]}]${tail}[${out}]`);
  else chains.push(`${labels.map((l) => `[${l}]`).join('')}amix=inputs=${labels.length}:duration=longest:dropout_transition=0:normalize=0,${tail}[${out}]`);
  if (waves > 0) {
    const copies = ['aout', ...Array.from({ length: waves }, (_, i) => `wave${i}`)];
    chains.push(`[amix]asplit=${copies.length}${copies.map((c) => `[${c}]`).join('')}`);
  }
  return 'aout';
}
