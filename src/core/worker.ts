// Worker thread entry (bundled to dist/worker.js): validates one byte range of a JSONL file for
// `validate --jobs N` and posts the result back (src/core/jsonl/validate.ts merges the ranges).
import { parentPort, workerData } from 'node:worker_threads';
import { validateJsonlRange, type RangeTask } from './jsonl/validate';

void validateJsonlRange(workerData as RangeTask).then((result) => parentPort?.postMessage(result));
