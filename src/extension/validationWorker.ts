// Worker thread entry (bundled to dist/validationWorker.js): validates one import file from disk for
// the editor (files too large for VS Code to sync, closed files). No vscode import here.
import { parentPort, workerData } from 'node:worker_threads';
import { serveDiskRequest, type DiskMessage, type DiskRequest } from '../core/diskValidation';

void serveDiskRequest(workerData as DiskRequest, (m: DiskMessage) => parentPort?.postMessage(m));
