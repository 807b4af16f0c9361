import type { ItemTable } from './table';
import { compareCodeUnits } from './prng';
import { plural } from '../plural';
import { displayWidth, padEndDisplay } from '../width';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';

export interface SplitReport {
  format?: string;
  formatReason?: string;
  strategy?: string;
  seed?: number;
  records?: number;
  items: number;
  buckets: string[];
  /** Items per bucket. */
  counts: number[];
  /** Requested fractions per bucket (absent for temporal cut-offs). */
  requested?: number[];
  /**
   * Items per label per bucket, labels in code-unit order. Stratified strategies add `bound`: the
   * most the label's count may differ from its target in any bucket (1, or more for a label whose
   * items also carry rarer labels that were placed first; see stratifiedSplit).
   */
  labels: { label: string; total: number; counts: number[]; bound?: number }[];
  /** Items without any label. */
  unlabeled: number[];
  /**
   * Largest |actual − requested| share over the buckets, in items and as a fraction of all items;
   * no `bucket` when every bucket holds exactly its requested share.
   */
  deviation?: { bucket?: string; items: number; fraction: number };
  /**
   * Largest per-label deviation in items (stratified strategies aim for < 1); no `label` and
   * `bucket` when every label is exactly on its share in every bucket.
   */
  labelDeviation?: { label?: string; bucket?: string; items: number };
  /** Items whose existing valid ml_use was kept / changed. */
  existingKept: number;
  existingChanged: number;
  notes: { message: string; count: number; firstRecord: number }[];
}

/**
 * `tally`: the items per label per bucket when the strategy counted them (see Tally in
 * strategies.ts). `buckets` of the items may be given as a function, called only if the report
 * needs them.
 */
export function buildReport(t: ItemTable, itemBuckets: Uint8Array | (() => Uint8Array), buckets: string[], requested?: number[], tally?: Float64Array): SplitReport {
  let got: Uint8Array | undefined = typeof itemBuckets === 'function' ? undefined : itemBuckets;
  const bucketsOf = (): Uint8Array => (got ??= (itemBuckets as () => Uint8Array)());
  const B = buckets.length;
  const L = t.labelNames.length;
  const perLabel = new Float64Array(L * B);
  // Typed counters and one branch per item for the usual single label: this runs over every item.
  const countsAt = new Float64Array(B);
  const unlabeledAt = new Float64Array(B);
  let kept = 0;
  let changed = 0;
  const folds = buckets[0].startsWith('fold');
  const n = t.count;
  const single = t.itemLabel;
  if (single !== undefined) {
    // At most one label per item (or none at all): one read of the labels and the buckets, the
    // bucket counts then follow from the per-label ones.
    if (tally && tally.length === (L + 1) * B) {
      unlabeledAt.set(tally.subarray(0, B));
      perLabel.set(tally.subarray(B, (L + 1) * B));
    } else if (single === null) {
      const assignment = bucketsOf();
      for (let i = 0; i < n; i++) unlabeledAt[assignment[i]]++;
    } else {
      const assignment = bucketsOf();
      for (let i = 0; i < n; i++) {
        const l = single[i];
        if (l < 0) unlabeledAt[assignment[i]]++;
        else perLabel[l * B + assignment[i]]++;
      }
    }
    for (let b = 0; b < B; b++) {
      let c = unlabeledAt[b];
      for (let l = 0; l < L; l++) c += perLabel[l * B + b];
      countsAt[b] = c;
    }
    if (t.hasExisting !== false) {
      const existing = t.existing;
      const assignment = bucketsOf();
      for (let i = 0; i < n; i++) {
        const ex = existing[i];
        if (ex >= 0) {
          if (ex === assignment[i]) kept++;
          else changed++;
        }
      }
    }
  } else {
    const ls = t.labelStart;
    const ids = t.labelIds;
    const existing = t.existing;
    const assignment = bucketsOf();
    for (let i = 0; i < n; i++) {
      const b = assignment[i];
      countsAt[b]++;
      const s = ls[i];
      const e = ls[i + 1];
      if (s === e) unlabeledAt[b]++;
      else {
        perLabel[ids[s] * B + b]++;
        for (let p = s + 1; p < e; p++) perLabel[ids[p] * B + b]++;
      }
      const ex = existing[i];
      if (ex >= 0) {
        if (ex === b) kept++;
        else changed++;
      }
    }
  }
  if (folds) kept = changed = 0;
  const counts = Array.from(countsAt);
  const unlabeled = Array.from(unlabeledAt);
  const labels = t.labelNames
    .map((label, l) => {
      const c = Array.from(perLabel.subarray(l * B, l * B + B));
      return { label, total: c.reduce((a, x) => a + x, 0), counts: c };
    })
    .sort((a, b) => compareCodeUnits(a.label, b.label));
  const report: SplitReport = {
    items: t.count,
    buckets,
    counts,
    requested,
    labels,
    unlabeled,
    existingKept: kept,
    existingChanged: changed,
    notes: [],
  };
  if (requested) {
    let worst = -1;
    for (let b = 0; b < B; b++) {
      const d = counts[b] - requested[b] * t.count;
      if (!report.deviation || Math.abs(d) > Math.abs(worst)) {
        worst = d;
        report.deviation = { bucket: buckets[b], items: round(d), fraction: round(d / t.count) };
      }
    }
    let lw = 0;
    for (const l of labels) {
      for (let b = 0; b < B; b++) {
        const d = l.counts[b] - requested[b] * l.total;
        if (!report.labelDeviation || Math.abs(d) > Math.abs(lw)) {
          lw = d;
          report.labelDeviation = { label: l.label, bucket: buckets[b], items: round(d) };
        }
      }
    }
    if (report.labelDeviation?.items === 0) report.labelDeviation = { items: 0 };
    if (report.deviation?.items === 0) report.deviation = { items: 0, fraction: 0 };
  }
  return report;
}

/** The report of a streamed split: counts are the exact quotas; there are no labels to count. */
export function countsReport(items: number, counts: number[], buckets: string[], requested: number[]): SplitReport {
  const report: SplitReport = {
    items,
    buckets,
    counts,
    requested,
    labels: [],
    unlabeled: buckets.map(() => 0),
    existingKept: 0,
    existingChanged: 0,
    notes: [],
  };
  let worst = 0;
  buckets.forEach((b, i) => {
    const d = counts[i] - requested[i] * items;
    if (i === 0 || Math.abs(d) > Math.abs(worst)) {
      worst = d;
      report.deviation = { bucket: b, items: round(d), fraction: round(d / items) };
    }
  });
  if (report.deviation?.items === 0) report.deviation = { items: 0, fraction: 0 };
  return report;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Human-readable report: counts per split, per label, and the largest deviation. */
export function formatReport(r: SplitReport, maxLabels = 50, hints: SplitHints = CLI_HINTS): string {
  const lines: string[] = [];
  lines.push(`strategy ${r.strategy}, seed ${r.seed}, format ${r.format} (${r.formatReason})`);
  lines.push(`${plural(r.items, 'item')}${r.records !== undefined ? ` in ${plural(r.records, 'record')}` : ''}`);
  const w = Math.max(8, ...r.buckets.map((b) => b.length));
  lines.push('');
  lines.push(`${'split'.padEnd(w)}  ${'items'.padStart(10)}  ${'share'.padStart(7)}${r.requested ? '  ' + 'target'.padStart(7) : ''}`);
  r.buckets.forEach((b, i) => {
    const share = r.items ? r.counts[i] / r.items : 0;
    lines.push(
      `${b.padEnd(w)}  ${String(r.counts[i]).padStart(10)}  ${pct(share).padStart(7)}${r.requested ? '  ' + pct(r.requested[i]).padStart(7) : ''}`,
    );
  });
  if (r.deviation) {
    lines.push('');
    lines.push(
      r.deviation.bucket === undefined
        ? 'every split holds exactly its requested share'
        : `largest deviation from the requested proportions: ${r.deviation.items >= 0 ? '+' : ''}${plural(r.deviation.items, 'item')} in ${r.deviation.bucket} (${(r.deviation.fraction * 100).toFixed(3)} percentage points)`,
    );
  }
  const stratified = r.strategy === 'stratified' || r.strategy === 'stratified-kfold';
  if (r.labels.length === 0 && stratified && r.items > 0) {
    // Nothing to stratify by: say so, and where the (unlabeled) items went.
    const lw = '(none)'.length;
    lines.push('');
    lines.push(`${'label'.padEnd(lw)}  ${r.buckets.map((b) => b.padStart(Math.max(b.length, 8))).join('  ')}`);
    lines.push(`${'(none)'.padEnd(lw)}  ${r.unlabeled.map((c, i) => String(c).padStart(Math.max(r.buckets[i].length, 8))).join('  ')}`);
    const placed = r.strategy === 'stratified' ? 'split at random in the requested proportions' : 'put in folds at random';
    lines.push(`no item has a label, so there was nothing to stratify by: the ${plural(r.items, 'item')} ${r.items === 1 ? 'was' : 'were'} ${placed}`);
  }
  if (r.labels.length > 0) {
    const unlabeled = r.unlabeled.some((u) => u > 0);
    const lw = Math.max(unlabeled ? '(none)'.length : 5, ...r.labels.slice(0, maxLabels).map((l) => displayWidth(printable(l.label))));
    lines.push('');
    lines.push(`${'label'.padEnd(lw)}  ${r.buckets.map((b) => b.padStart(Math.max(b.length, 8))).join('  ')}`);
    for (const l of r.labels.slice(0, maxLabels)) {
      lines.push(`${padEndDisplay(printable(l.label), lw)}  ${l.counts.map((c, i) => String(c).padStart(Math.max(r.buckets[i].length, 8))).join('  ')}`);
    }
    if (r.labels.length > maxLabels) lines.push(`… and ${r.labels.length - maxLabels} more ${r.labels.length - maxLabels === 1 ? 'label' : 'labels'} (${hints.allLabels})`);
    if (unlabeled) {
      lines.push(`${'(none)'.padEnd(lw)}  ${r.unlabeled.map((c, i) => String(c).padStart(Math.max(r.buckets[i].length, 8))).join('  ')}`);
    }
    if (r.labelDeviation && r.labelDeviation.label === undefined) {
      lines.push(`every label is exactly on its share in every split`);
    } else if (r.labelDeviation) {
      lines.push(`largest per-label deviation: ${r.labelDeviation.items >= 0 ? '+' : ''}${plural(r.labelDeviation.items, 'item')} of '${printable(r.labelDeviation.label!)}' in ${r.labelDeviation.bucket}`);
      const worst = r.labels.find((l) => l.label === r.labelDeviation!.label);
      if (worst?.bound !== undefined && worst.bound > 1) {
        lines.push(
          `  (items of '${printable(worst.label)}' also carry rarer labels that were placed first; for multi-label items the split can only promise ±${worst.bound} for it)`,
        );
      }
    }
  }
  if (r.existingKept + r.existingChanged > 0) {
    lines.push('');
    lines.push(`existing ml_use values: ${r.existingKept} kept, ${r.existingChanged} changed`);
  }
  for (const n of r.notes) lines.push(`note: ${escapeControls(n.message)} (${plural(n.count, 'record')}, first: record ${n.firstRecord})`);
  return lines.join('\n') + '\n';
}

/** A label as written, or quoted with escapes when it holds control characters (a line break, a terminal escape). */
function printable(s: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) ? JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

/** Text with its control characters (quoted from the file) as \\u escapes. */
function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
