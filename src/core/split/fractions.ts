import type { MlUse } from '../formats';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';

export const ALL_SPLITS: readonly MlUse[] = ['training', 'validation', 'test'];
export const VIDEO_SPLITS: readonly MlUse[] = ['training', 'test'];

/** Tolerance for fractions that should add up to 1 (user input like 0.7,0.2,0.1 in floating point). */
const SUM_TOLERANCE = 1e-6;

export interface FractionResult {
  fractions?: number[];
  error?: string;
}

/**
 * Parses `--fractions` text ("0.8,0.1,0.1", or "80,10,10" as percentages) against the splits the
 * format allows. Video takes two values (training, test); three with a zero validation share are
 * accepted too so the same command line works for every format.
 */
export function parseFractions(text: string | undefined, splits: readonly MlUse[], hints: SplitHints = CLI_HINTS): FractionResult {
  if (text === undefined || text.trim() === '') return { fractions: defaultFractions(splits) };
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(values[i]) || values[i] < 0);
  if (bad >= 0) return { error: `fraction '${parts[bad]}' is not a non-negative number; expected e.g. ${hints.fractionsExample}` };
  let sum = values.reduce((a, b) => a + b, 0);
  // Percentages: 80,10,10.
  if (Math.abs(sum - 100) < 1e-6 && values.every((v) => v <= 100)) {
    for (let i = 0; i < values.length; i++) values[i] /= 100;
    sum = 1;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    return { error: `fractions ${parts.join(',')} add up to ${round(sum)}; they must add up to 1 (e.g. 0.8,0.1,0.1)` };
  }
  if (splits.length === 2) {
    if (values.length === 3) {
      if (values[1] !== 0) {
        return { error: `video datasets take only training and test; give two fractions (e.g. 0.8,0.2) or a zero validation share` };
      }
      return { fractions: [values[0], values[2]] };
    }
    if (values.length !== 2) return { error: `expected 2 fractions (training,test) for a video dataset, got ${values.length}` };
    return { fractions: values };
  }
  if (values.length !== 3) return { error: `expected 3 fractions (training,validation,test), got ${values.length}` };
  return { fractions: values };
}

export function defaultFractions(splits: readonly MlUse[]): number[] {
  return splits.length === 2 ? [0.8, 0.2] : [0.8, 0.1, 0.1];
}

/**
 * Whole-number targets for `total` items that add up to `total` exactly (largest remainder;
 * ties go to the earlier split, so the result is deterministic).
 */
export function allocate(total: number, fractions: readonly number[]): number[] {
  const raw = fractions.map((f) => f * total);
  const counts = raw.map((r) => Math.floor(r + 1e-9));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, rem: r - Math.floor(r + 1e-9) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let j = 0; left > 0 && order.length > 0; j = (j + 1) % order.length, left--) counts[order[j].i]++;
  return counts;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
