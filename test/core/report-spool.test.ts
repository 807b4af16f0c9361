// The CLI spools diagnostics to disk and streams its reports: the output must be exactly what the
// in-memory reports give (same order, same bytes), whatever the batch size.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareDiagnostics, type Diagnostic, type Severity } from '../../src/core/diagnostics';
import { main } from '../../src/cli/main';
import { runDataset } from '../../src/cli/dataset';
import { jsonReport, sarifReport, textReport, writeJsonReport, type FileReport } from '../../src/cli/output/report';
import { DiagnosticSpool } from '../../src/cli/output/spool';

const severities: Severity[] = ['error', 'warning', 'info'];
const diagnostic = fc
  .record({
    line: fc.integer({ min: 1, max: 6 }),
    column: fc.integer({ min: 1, max: 3 }),
    width: fc.integer({ min: 0, max: 2 }),
    severity: fc.constantFrom(...severities),
    code: fc.constantFrom('a.x', 'b.y', 'a.z'),
    message: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('é'.repeat(40000), '😀 ünïcode "quoted" \\ back', '')),
    related: fc.boolean(),
  })
  .map(({ width, related, ...d }): Diagnostic => ({
    ...d,
    endLine: d.line,
    endColumn: d.column + width,
    ...(related ? { related: [{ path: '/x/y.jsonl', line: 1, column: 2, endLine: 1, endColumn: 3, message: 'first seen here' }] } : {}),
    data: { path: ['dropped'] },
  }));

/** What the reports print of a diagnostic. */
const printed = ({ line, column, endLine, endColumn, severity, code, message, related }: Diagnostic) => ({ line, column, endLine, endColumn, severity, code, message, ...(related ? { related } : {}) });

describe('diagnostic spool and streamed reports', () => {
  it('reads back every diagnostic in the order a stable sort of all of them gives, across batches and merged batches on disk', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 40 }), fc.array(diagnostic, { maxLength: 10 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 2, max: 4 }), (pushed, extra, batch, maxRuns) => {
        const spool = new DiagnosticSpool(batch, maxRuns);
        try {
          for (const d of pushed) {
            spool.push(d);
            // Runs beyond the limit are merged: the files open at once stay bounded.
            assert.ok(spool.onDisk < maxRuns);
          }
          if (pushed.length >= batch) assert.ok(spool.onDisk > 0);
          const expected = [...pushed, ...extra].sort(compareDiagnostics).map(printed);
          assert.deepEqual([...spool.sorted(extra)].map(printed), expected);
          // Twice: SARIF reads the spool once for its rules and once for its results.
          assert.deepEqual([...spool.sorted(extra)].map(printed), expected);
          assert.equal(spool.errors, pushed.filter((d) => d.severity === 'error').length);
          assert.equal(spool.warnings, pushed.filter((d) => d.severity === 'warning').length);
          assert.equal(spool.count, pushed.length);
        } finally {
          spool.dispose();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('clear forgets everything, on disk too', () => {
    const spool = new DiagnosticSpool(2);
    for (let i = 0; i < 5; i++) spool.push({ line: i + 1, column: 1, endLine: i + 1, endColumn: 2, severity: 'error', code: 'x', message: 'm' });
    assert.ok(spool.onDisk > 0);
    spool.clear();
    assert.equal(spool.onDisk, 0);
    assert.deepEqual([...spool.sorted()], []);
    assert.equal(spool.errors + spool.warnings + spool.count, 0);
  });

  it('text, JSON and SARIF reports from a spool equal the reports from the same diagnostics in memory', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 30 }), fc.array(diagnostic, { maxLength: 5 }), fc.integer({ min: 1, max: 5 }), (pushed, extra, batch) => {
        const spool = new DiagnosticSpool(batch);
        try {
          for (const d of pushed) spool.push(d);
          const cwd = '/x';
          const inMemory: FileReport[] = [{ path: '/x/a.jsonl', format: 'f', items: 3, diagnostics: [...pushed, ...extra] }, { path: '/x/b.jsonl', items: 0, diagnostics: [] }];
          const spooled: FileReport[] = [{ path: '/x/a.jsonl', format: 'f', items: 3, diagnostics: [...extra], spool }, { path: '/x/b.jsonl', items: 0, diagnostics: [] }];
          assert.equal(textReport(spooled, cwd), textReport(inMemory, cwd));
          assert.equal(jsonReport(spooled, cwd), jsonReport(inMemory, cwd));
          assert.equal(sarifReport(spooled, cwd, '1'), sarifReport(inMemory, cwd, '1'));
          // The JSON stream is the documented shape, exactly as JSON.stringify writes it.
          const doc = JSON.parse(jsonReport(inMemory, cwd));
          assert.equal(jsonReport(inMemory, cwd), JSON.stringify(doc) + '\n');
          assert.deepEqual(Object.keys(doc.files[0]), ['path', 'format', 'items', 'errors', 'warnings', 'diagnostics']);
        } finally {
          spool.dispose();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('writes JSON in blocks while reading the spool, not as one string', () => {
    const spool = new DiagnosticSpool(1000);
    for (let i = 0; i < 5000; i++) spool.push({ line: i + 1, column: 1, endLine: i + 1, endColumn: 2, severity: 'warning', code: 'x.y', message: `finding number ${i}` });
    const blocks: string[] = [];
    writeJsonReport([{ path: '/x/a.jsonl', items: 5000, diagnostics: [], spool }], '/x', (t) => blocks.push(t));
    spool.dispose();
    assert.ok(blocks.length > 3, `${blocks.length} blocks`);
    assert.ok(blocks.every((b) => b.length < 70_000));
    assert.equal(JSON.parse(blocks.join('')).files[0].diagnostics.length, 5000);
  });

  describe('the CLI', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'vd-spool-'));
      // 45,000 findings: more than two batches go to disk.
      const lines: string[] = [];
      for (let i = 0; i < 15_000; i++) {
        lines.push(
          i % 3 === 0
            ? `{"imageGcsUri":"gs://bkt/${i}.jpg","classificationAnnotation":{"label":"a"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"TRAIN"}}`
            : i % 3 === 1
              ? `{"imageGcsUri":"gs://bkt/${i}.jpg","x":1,"y":2,"z":{"a":1,"a":2}}`
              : `{"imageGcsUri":"gs://bkt/${i}.jpg",`,
        );
      }
      writeFileSync(join(dir, 'many.jsonl'), lines.join('\n') + '\n');
      // The same for an image CSV: two errors per row (ml_use, bucket name), 30,000 rows.
      const rows: string[] = [];
      for (let i = 0; i < 30_000; i++) rows.push(`TRAIN,gs://b/${i}.jpg,${i % 2 ? 'cat' : 'dog'}`);
      writeFileSync(join(dir, 'many.csv'), rows.join('\n') + '\n');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const file of ['many.jsonl', 'many.csv']) {
      for (const output of ['text', 'json'] as const) {
        for (const extra of [['--no-dataset-checks'], [], ['--max-problems', '25000']]) {
          it(`${file} --output ${output} ${extra.join(' ')}: streamed from disk, the same bytes as the in-memory report`, async () => {
            let out = '';
            const code = await main(['validate', '--output', output, ...extra, file], { out: (t) => (out += t), err: () => undefined, cwd: dir });
            assert.equal(code, 1);
            // The same run with every diagnostic held in memory.
            const run = await runDataset([file], { datasetChecks: !extra.includes('--no-dataset-checks'), maxDiagnostics: extra[0] === '--max-problems' ? 25_000 : undefined }, dir);
            assert.equal(run.reports[0].spool, undefined);
            assert.ok(run.reports[0].diagnostics.length > 25_000, String(run.reports[0].diagnostics.length));
            assert.equal(out, output === 'json' ? jsonReport(run.reports, dir) : textReport(run.reports, dir));
          });
        }
      }
    }

    it('an interrupted run (SIGINT) removes its spool and still dies of the signal', async function () {
      const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
      if (!existsSync(cli)) this.skip();
      this.timeout(60_000);
      const tmp = mkdtempSync(join(tmpdir(), 'vd-sigint-'));
      const big = join(tmp, 'big.jsonl');
      const line = '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"TRAIN"}}\n';
      writeFileSync(big, line.repeat(400_000));
      const child = spawn(process.execPath, [cli, 'validate', '--no-dataset-checks', big], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      try {
        // Wait (bounded) for the first batch to reach the disk.
        const spooled = () => readdirSync(tmp).some((d) => d.startsWith('vertex-datasets-') && readdirSync(join(tmp, d)).length > 0);
        const deadline = Date.now() + 50_000;
        while (!spooled()) {
          if (Date.now() > deadline || child.exitCode !== null) assert.fail('the spool never appeared');
          await new Promise((r) => setImmediate(r));
        }
        child.kill('SIGINT');
        assert.equal(await exited, 'SIGINT');
        assert.deepEqual(readdirSync(tmp).filter((d) => d.startsWith('vertex-datasets-')), []);
      } finally {
        child.kill('SIGKILL');
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('leaves no spooled runs behind', async () => {
      await main(['validate', '--no-dataset-checks', 'many.jsonl'], { out: () => undefined, err: () => undefined, cwd: dir });
      const spoolDirs = readdirSync(tmpdir()).filter((n) => n.startsWith('vertex-datasets-') && !n.startsWith('vertex-datasets-bench'));
      for (const d of spoolDirs) {
        const runs = readdirSync(join(tmpdir(), d)).filter((f) => f.startsWith(`run-${process.pid}-`));
        assert.deepEqual(runs, []);
      }
    });
  });
});
