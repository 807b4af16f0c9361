// Shared by the split differential tests: how a generated table is written as CSV text, and what a
// split of it gives (bytes and report, or the refusal).
import fc from 'fast-check';
import { splitText } from '../../../src/core/split';
import type { SplitOptions, StrategyName } from '../../../src/core/split';

export interface TableText {
  header: string[];
  rows: string[][];
  eols: string[];
  /** Where blank lines go (after the header, among the rows). */
  blanks: number[];
  /** Whether the last record ends with a line break (default yes). */
  last?: boolean;
}

export function textOf(t: TableText): string {
  const lines = [t.header.join(','), ...t.rows.map((r) => r.join(','))];
  for (const b of t.blanks) lines.splice(Math.min(lines.length, 1 + b), 0, '');
  return lines.map((l, i) => (i === lines.length - 1 && t.last === false ? l : l + t.eols[i % t.eols.length])).join('');
}

export async function outcome(text: string, opts: SplitOptions): Promise<unknown> {
  try {
    const r = await splitText(text, opts, 'data.csv');
    return { outputs: r.outputs, report: r.plan.report };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export const strategies = fc.constantFrom<StrategyName>('random', 'kfold', 'stratified', 'stratified-kfold', 'group', 'temporal', 'manual');
