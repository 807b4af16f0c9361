// Worker thread entry (bundled to dist/worker.js): validates one byte range of a file for
// `validate --jobs N` and posts the result back: JSONL ranges (merged in src/core/jsonl/validate.ts)
// and tabular CSV ranges (merged in src/core/csv/validate.ts; the header's fields arrive in a
// message once the main thread has read them).
import { parentPort, workerData } from 'node:worker_threads';
import { validateJsonlRange, type RangeTask } from './jsonl/validate';
import { validateCsvRange, type CsvRangeTask } from './csv/validate';

const task = workerData as RangeTask | CsvRangeTask;
if ('kind' in task && task.kind === 'csv') {
  const run = (header: string[]) => void validateCsvRange({ ...task, header }).then((result) => parentPort?.postMessage(result));
  if (task.header) run(task.header);
  else parentPort?.once('message', run);
} else {
  void validateJsonlRange(task as RangeTask).then((result) => parentPort?.postMessage(result));
}
