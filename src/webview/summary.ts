/**
 * The statistics page's heading and summary lines, as text (no DOM: shared by the page and tests).
 * Counts follow the CLI's `stats`: distinct data items from the file's lines, and the lines with
 * errors that no figure counts.
 */
import { duplicatesText } from '../core/dataset/stats';
import { plural } from '../core/plural';
import type { StatsPayload } from './protocol';

const n = (v: number) => v.toLocaleString('en-US');
const count = (v: number, word: string, many?: string) => plural(v, word, many).replace(/^-?\d+/, (d) => n(Number(d)));

export function statsHeadline(p: StatsPayload): string {
  const s = p.stats;
  const items = s ? `${count(s.items, 'item')} from ${count(s.rows, 'line')}` : count(p.items, 'item');
  return `${p.formatTitle} · ${items} · ${count(p.errors, 'error')} · ${count(p.warnings, 'warning')}`;
}

export function statsSummary(s: NonNullable<StatsPayload['stats']>): string[] {
  const out = [
    `${count(s.labels.length, 'label')} · ${n(s.labeledItems)} labeled · ${count(s.annotations, 'annotation')}` +
      (s.imbalanceRatio !== null ? ` · imbalance ${s.imbalanceRatio.toFixed(1)}× (most / least frequent label)` : '') +
      // The CLI's words for duplicate lines (annotations split over lines are no conflict).
      (s.duplicates.repeats || s.duplicates.conflicts || s.duplicates.annotationsSplit ? ` · duplicates: ${duplicatesText(s.duplicates)}` : ''),
  ];
  const excluded = s.excludedRows ?? 0;
  if (excluded > 0) out.push(`Not counted: ${count(excluded, 'line')} with errors (Vertex AI drops such lines at import; the figures describe the other lines).`);
  return out;
}
