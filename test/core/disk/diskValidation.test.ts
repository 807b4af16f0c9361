import fsp from 'node:fs/promises';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';
import { join } from 'node:path';
import { EDITOR_VALIDATION_HINTS } from '../../../src/core/validationHints';
import { DiskValidationCancelled, serveDiskRequest, validateFromDisk, validateInWorker, type DiskMessage } from '../../../src/core/diskValidation';

const good = (i: number, mlUse = 'training') =>
  JSON.stringify({ imageGcsUri: `gs://my-bucket/images/img-${i}.jpg`, classificationAnnotation: { displayName: i % 2 ? 'cat' : 'dog' }, dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': mlUse } });

/** n lines; the 1-based lines in `bad` get the ml_use "train" (mlUse.invalid). */
function writeJsonl(path: string, n: number, bad: number[]): void {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) lines.push(good(i, bad.includes(i) ? 'train' : 'training'));
  writeFileSync(path, lines.join('\n') + '\n');
}

const ENTRY = join(__dirname, '../../../src/extension/validationWorker.ts');

describe('validation of a file from disk in a worker', () => {
  let dir: string;
  let WORKER: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vd-disk-'));
    // Worker threads do not run TypeScript: the entry is bundled as scripts/build.mjs bundles it.
    WORKER = join(dir, 'validationWorker.js');
    await build({ entryPoints: [ENTRY], outfile: WORKER, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'warning' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the bad lines, reports progress up to the file size, and runs the dataset checks', async () => {
    const path = join(dir, 'many.jsonl');
    writeJsonl(path, 30_000, [7, 12_345, 29_999]);
    const messages: DiskMessage[] = [];
    const r = await validateFromDisk({ path, datasetChecks: true }, (m) => messages.push(m));
    assert.equal(r.format, 'image-classification-single-label');
    assert.equal(r.items, 30_000);
    const invalid = r.diagnostics.filter((d) => d.code === 'mlUse.invalid' || d.code === 'mlUse.missingPrefix');
    assert.deepEqual(invalid.map((d) => d.line), [7, 12_345, 29_999]);
    assert.ok(r.stats, 'dataset statistics are computed');
    const progress = messages.filter((m): m is Extract<DiskMessage, { type: 'progress' }> => m.type === 'progress');
    assert.ok(progress.length >= 3, `progress messages: ${progress.length}`);
    assert.equal(progress[progress.length - 1].bytes, r.bytes);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytes >= progress[i - 1].bytes);
  });

  it('reports progress for a CSV file too, in steps up to its size', async () => {
    const path = join(dir, 'many.csv');
    const rows: string[] = [];
    for (let i = 1; i <= 60_000; i++) rows.push(`${i === 4242 ? 'train' : 'training'},gs://my-bucket/images/img-${i}.jpg,${i % 2 ? 'cat' : 'dog'}`);
    writeFileSync(path, rows.join('\n') + '\n');
    const messages: DiskMessage[] = [];
    const r = await validateFromDisk({ path, datasetChecks: true }, (m) => messages.push(m));
    assert.equal(r.format, 'image-classification-single-label');
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.code]), [[4242, 'mlUse.invalid']]);
    const progress = messages.filter((m): m is Extract<DiskMessage, { type: 'progress' }> => m.type === 'progress');
    assert.ok(r.bytes > 2 * 1024 * 1024, `the file should span several chunks (${r.bytes} bytes)`);
    // Steps between the start (0) and the end (the size): the CSV reader reports as it reads.
    const between = progress.filter((p) => p.bytes > 0 && p.bytes < r.bytes);
    assert.ok(between.length >= 1, `progress: ${progress.map((p) => p.bytes).join(', ')}`);
    assert.equal(progress[progress.length - 1].bytes, r.bytes);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytes >= progress[i - 1].bytes);
  });

  it('dataset checks give the same result whether the format is chosen or detected while the file is read', async () => {
    const path = join(dir, 'dupes.csv');
    const rows: string[] = [];
    for (let i = 1; i <= 500; i++) rows.push(`training,gs://my-bucket/images/img-${i % 400}.jpg,${i % 3 ? 'cat' : 'dog'}`);
    writeFileSync(path, rows.join('\n') + '\n');
    const dataset = (r: { diagnostics: { code: string; line: number }[] }) => r.diagnostics.filter((d) => /^(duplicate|label|dataset|split)\./.test(d.code)).map((d) => `${d.line} ${d.code}`);
    const detected = await validateFromDisk({ path, datasetChecks: true }, () => {});
    const chosenCsv = await validateFromDisk({ path, datasetChecks: true, format: 'image-classification-single-label' }, () => {});
    assert.equal(dataset(detected).filter((d) => d.endsWith('duplicate.conflict')).length, 66);
    assert.equal(dataset(detected).filter((d) => d.endsWith('duplicate.repeat')).length, 34);
    assert.deepEqual(dataset(chosenCsv), dataset(detected));
    assert.deepEqual(chosenCsv.stats, detected.stats);

    // JSONL: the format is certain from the head of the file, so items stream to the checks.
    const jsonl = join(dir, 'sniffed.jsonl');
    writeJsonl(jsonl, 300, [5]);
    const sniffed = await validateFromDisk({ path: jsonl, datasetChecks: true }, () => {});
    const chosen = await validateFromDisk({ path: jsonl, datasetChecks: true, format: 'image-classification-single-label' }, () => {});
    assert.deepEqual(sniffed.diagnostics, chosen.diagnostics);
    assert.deepEqual(sniffed.stats, chosen.stats);
  });

  it('a CSV file with dataset checks is read in one pass, however many rows (the format is detected while it is read)', async () => {
    // More rows than the editor once kept while the format was unknown (200,000): it then read the file again.
    const path = join(dir, 'one-pass.csv');
    const rows: string[] = [];
    for (let i = 0; i < 210_000; i++) rows.push(`training,gs://my-bucket/images/img-${String(i).padStart(9, '0')}.jpg,${i % 3 ? 'cat' : 'dog'}\n`);
    const text = rows.join('');
    writeFileSync(path, text);
    const open = fsp.open;
    let bytes = 0;
    fsp.open = (async (...args: Parameters<typeof open>) => {
      const handle = await open(...args);
      if (String(args[0]) === path) {
        const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
        (handle as unknown as { read: typeof read }).read = async (...a: unknown[]) => {
          const r = await read(...a);
          bytes += r.bytesRead;
          return r;
        };
      }
      return handle;
    }) as typeof open;
    let r: Awaited<ReturnType<typeof validateFromDisk>>;
    try {
      r = await validateFromDisk({ path, datasetChecks: true }, () => {});
    } finally {
      fsp.open = open;
    }
    assert.equal(r.stats?.items, text.split('\n').length - 1);
    assert.ok(bytes >= text.length && bytes < 2 * text.length, `${bytes} bytes read for a ${text.length}-byte file (a second pass?)`);
  });

  it('posts an error message (not a crash) for a file that cannot be read', async () => {
    const messages: DiskMessage[] = [];
    await serveDiskRequest({ path: join(dir, 'missing.jsonl') }, (m) => messages.push(m));
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, 'error');
    assert.match((messages[0] as { message: string }).message, /missing\.jsonl|ENOENT|no such file/);
  });

  it('runs in a worker thread with the same result as in-thread', async () => {
    const path = join(dir, 'small.jsonl');
    writeJsonl(path, 500, [3, 250]);
    const inThread = await validateFromDisk({ path, datasetChecks: true }, () => undefined);
    let lastProgress = 0;
    const viaWorker = await validateInWorker(WORKER, { path, datasetChecks: true }, { onProgress: (b) => (lastProgress = b) });
    assert.deepEqual(viaWorker, inThread);
    assert.equal(lastProgress, inThread.bytes);
  });

  it('terminates the worker when cancelled', async () => {
    const path = join(dir, 'cancel.jsonl');
    writeJsonl(path, 200_000, []);
    const abort = new AbortController();
    const run = validateInWorker(WORKER, { path }, { signal: abort.signal, onProgress: (b) => b > 0 && abort.abort() });
    await assert.rejects(run, DiskValidationCancelled);
  });

  it('rejects with the worker\'s message when the file is missing', async () => {
    await assert.rejects(validateInWorker(WORKER, { path: join(dir, 'nope.jsonl') }), /nope\.jsonl/);
  });

  it('applies the tabular settings to a CSV that is tabular, in a worker, and not to an image CSV', async () => {
    const table = join(dir, 'churn.csv');
    writeFileSync(table, 'customer,age,label\nc1,34,stayed\nc2,51,\n');
    const viaWorker = await validateInWorker(WORKER, { path: table, tabular: { target: 'label' } });
    assert.equal(viaWorker.format, 'tabular');
    assert.deepEqual(
      viaWorker.diagnostics.filter((d) => d.code === 'tabular.target.null').map((d) => [d.line, d.column, d.endColumn]),
      [[3, 7, 8]],
    );
    // Without the target the same table gets no target checks.
    const plain = await validateFromDisk({ path: table }, () => undefined);
    assert.ok(!plain.diagnostics.some((d) => d.code === 'tabular.target.null'));
    // Settings cover whole folders: an image CSV beside the table stays an image CSV.
    const images = join(dir, 'images.csv');
    writeFileSync(images, 'training,gs://my-bucket/a.jpg,cat\ntest,gs://my-bucket/b.jpg,dog\n');
    const img = await validateFromDisk({ path: images, tabular: { target: 'label' } }, () => undefined);
    assert.equal(img.format, 'image-classification-single-label');
    assert.ok(!img.diagnostics.some((d) => d.code.startsWith('tabular.')), JSON.stringify(img.diagnostics.map((d) => d.code)));
  });

  it('too few tabular rows: a warning, an error with strict (the editor\'s vertexDatasets.strict), in a worker', async () => {
    const table = join(dir, 'small.csv');
    writeFileSync(table, 'customer,age,label\nc1,34,stayed\nc2,51,left\n');
    const severities = async (strict?: boolean) =>
      (await validateInWorker(WORKER, { path: table, strict, tabular: { target: 'label' } })).diagnostics.filter((d) => d.code === 'tabular.rows.tooFew').map((d) => d.severity);
    assert.deepEqual(await severities(), ['warning']);
    assert.deepEqual(await severities(true), ['error']);
  });

  it('the editor\'s hints reach the worker: the format advice names its command, not --format', async () => {
    const images = join(dir, 'ambiguous.csv');
    writeFileSync(images, 'training,gs://my-bucket/a.jpg,cat\ntest,gs://my-bucket/b.jpg,dog\n');
    const message = async (hints?: typeof EDITOR_VALIDATION_HINTS) => (await validateInWorker(WORKER, { path: images, hints })).diagnostics.find((d) => d.code === 'format.ambiguous')?.message ?? '';
    assert.match(await message(), /Choose one with --format\.$/);
    assert.match(await message(EDITOR_VALIDATION_HINTS), /Choose one with "Choose Import Format for This File" \(or the vertexDatasets\.formats setting\)\.$/);
  });

  it('the editor\'s hints reach the worker for JSONL too: the advice names its command, not "CLI --format, editor status bar"', async () => {
    const images = join(dir, 'ambiguous.jsonl');
    writeFileSync(images, '{"imageGcsUri":"gs://my-bucket/a.jpg"}\n{"imageGcsUri":"gs://my-bucket/b.jpg"}\n');
    const message = async (hints?: typeof EDITOR_VALIDATION_HINTS) => (await validateInWorker(WORKER, { path: images, hints })).diagnostics.find((d) => d.code === 'format.ambiguous')?.message ?? '';
    const cli = await message();
    assert.match(cli, /Choose one with --format\.$/);
    assert.doesNotMatch(cli, /status bar/);
    const editor = await message(EDITOR_VALIDATION_HINTS);
    assert.match(editor, /Choose one with "Choose Import Format for This File" \(or the vertexDatasets\.formats setting\)\.$/);
    assert.doesNotMatch(editor, /--format/);
  });
});
