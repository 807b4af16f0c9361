/**
 * Column profiles of a tabular CSV source for the training defaults, from the CSV reader and
 * profiler the validator uses (so the editor, the CLI and the validator agree on column types).
 */
import { readCsvFile, readCsvText } from '../csv/reader';
import type { CsvRecord } from '../csv/reader';
import { ColumnProfiler } from '../csv/profile';
import type { ColumnProfile } from './tabular';

function collector(): { onRecord(r: CsvRecord): void; onDiagnostic(): void; result(): ColumnProfile[] | undefined } {
  let profiler: ColumnProfiler | undefined;
  return {
    onRecord(r) {
      if (r.blank || r.unterminated) return;
      if (!profiler) profiler = new ColumnProfiler(r.fields.map((f) => f.trim()));
      else profiler.add(r.fields);
    },
    onDiagnostic() {
      // The validator reports CSV syntax problems; profiling only needs the records it could read.
    },
    result: () => profiler?.result().map((p) => ({ name: p.name, inferredType: p.inferredType, nulls: p.nulls, distinct: p.distinct, rows: p.count + p.nulls })),
  };
}

/** Profiles CSV text whose first record is the header; undefined when there is no header. */
export function profileCsvText(text: string): ColumnProfile[] | undefined {
  const c = collector();
  readCsvText(text, c);
  return c.result();
}

export async function profileCsvFile(path: string): Promise<ColumnProfile[] | undefined> {
  const c = collector();
  await readCsvFile(path, c);
  return c.result();
}
