// `validate --jobs N` on tabular CSV: a file read in record-aligned ranges on worker threads must
// give exactly the one-thread result (diagnostics and their order, items, lines, profile, dataset
// findings), whatever falls on a range boundary: quoted fields with line breaks, CRLF, errors,
// distinct values around the cap.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ColumnProfiler } from '../../../src/core/csv/profile';
import { validateCsvFile, type CsvFileValidationOptions } from '../../../src/core/csv/validate';
import { main } from '../../../src/cli/main';

const HEADER = 'id,amount,city,note,label,weight,ml_use,code';

/** One row; `k` picks the kind of trouble (most rows are clean). */
function row(i: number, k: number, distinct: number, multiline: boolean): string {
  const note = multiline && k % 7 === 0 ? `"line one\nline ""two"", ${i}"` : k % 5 === 0 ? `"a, b ${i % 13}"` : `n${i % 17}`;
  const label = k % 41 === 0 ? '' : ['churned', 'stayed', 'paused'][i % 3];
  const weight = k % 37 === 0 ? '20000' : k % 53 === 0 ? 'x' : String((i % 4) + 1);
  const mlUse = k % 31 === 0 ? 'TRAIN' : k % 29 === 0 ? '' : ['training', 'validation', 'test'][i % 3];
  const amount = k % 23 === 0 ? 'n/a' : k % 19 === 0 ? '' : String(((i * 7919) % 100_000) / 100);
  const cells = [String(i), amount, `c${(i * 31) % distinct}`, note, label, weight, mlUse, k % 3 === 0 ? '"007"' : String(i % 250)];
  if (k % 97 === 0) cells.pop(); // ragged
  if (k % 89 === 0) cells[3] = 'say "hi"'; // stray quote
  return cells.join(',');
}

function csv(rows: number, seed: number, distinct: number, opts: { multiline: boolean; crlf: boolean; blanks: boolean }): string {
  const lines = [HEADER];
  let x = seed >>> 0 || 1;
  for (let i = 0; i < rows; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const k = x % 1000;
    lines.push(row(i, k, distinct, opts.multiline));
    if (opts.blanks && k === 500) lines.push('');
  }
  const eol = opts.crlf ? '\r\n' : '\n';
  return lines.join(eol) + (seed % 2 ? eol : '');
}

describe('tabular CSV with worker threads (--jobs)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-csvjobs-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const opts: CsvFileValidationOptions = { format: 'tabular', target: 'label', weight: 'weight', parallelMinBytes: 1 };

  /** The one-thread result and the `jobs`-thread results, as JSON; returns the ranges each run used. */
  async function compare(path: string, extra: CsvFileValidationOptions, jobsList: number[]): Promise<number[]> {
    const one = await validateCsvFile(path, { ...opts, ...extra });
    const expected = JSON.stringify(one);
    const used: number[] = [];
    for (const jobs of jobsList) {
      let ranges = 0;
      const r = await validateCsvFile(path, { ...opts, ...extra, jobs, onRanges: (n) => (ranges = n) });
      assert.equal(JSON.stringify(r), expected, `jobs ${jobs}`);
      used.push(ranges);
    }
    return used;
  }

  it('gives the one-thread result on files with errors, quotes and CRLF, and really uses the workers', async () => {
    const path = join(dir, 'a.csv');
    writeFileSync(path, csv(3000, 7, 400, { multiline: false, crlf: true, blanks: true }));
    const used = await compare(path, {}, [2, 3, 7]);
    assert.deepEqual(used, [2, 3, 7]);
    const capped = await compare(path, { maxDiagnostics: 25 }, [2, 3]);
    assert.deepEqual(capped, [2, 3]);
    const r = await validateCsvFile(path, { ...opts, jobs: 2 });
    assert.ok(r.diagnostics.some((d) => d.code === 'csv.raggedRow' && d.line > 1500), 'findings of the second range are reported');
    assert.ok(r.tabular && r.tabular.rows === 3000 && r.tabular.profile[2].distinct === 400);
  });

  it('falls back to one thread when a cut falls inside a quoted field, with the same result', async () => {
    const path = join(dir, 'b.csv');
    // One quoted field spanning the middle of the file: every cut near the middle is inside it.
    const head = csv(1500, 3, 50, { multiline: false, crlf: false, blanks: false });
    const text = `${head}\n1500,1,c1,"${'x\n'.repeat(20_000)}",stayed,1,training,1\n${csv(1500, 5, 50, { multiline: false, crlf: false, blanks: false }).split('\n').slice(1).join('\n')}`;
    writeFileSync(path, text);
    const used = await compare(path, {}, [2]);
    assert.deepEqual(used, [1]);
  });

  it('a quote never closed in the last range, and a target past the class limit, as on one thread', async () => {
    const path = join(dir, 'c.csv');
    writeFileSync(path, `${csv(2500, 11, 1200, { multiline: true, crlf: false, blanks: false })}\n9,1,c1,"open,stayed,1,training,1\nmore\n`);
    await compare(path, { target: 'city' }, [2, 4]);
  });

  it('random files: the same result for 1, 2 and 3 jobs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2500 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(2, 990, 1000, 1001, 1010),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<string | undefined>('label', 'city', 'amount', undefined),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        async (rows, seed, distinct, multiline, crlf, blanks, target, maxDiagnostics) => {
          const path = join(dir, `p${seed}.csv`);
          writeFileSync(path, csv(rows, seed, distinct, { multiline, crlf, blanks }));
          try {
            await compare(path, { target, maxDiagnostics }, [2, 3]);
          } finally {
            rmSync(path, { force: true });
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the CLI: validate --format tabular --jobs 2 on a file over the 8 MB threshold prints the one-job report', async () => {
    const path = join(dir, 'cli.csv');
    const text = csv(230_000, 13, 1005, { multiline: true, crlf: false, blanks: true });
    assert.ok(text.length > 8 << 20);
    writeFileSync(path, text);
    const run = async (jobs: string) => {
      let out = '';
      let err = '';
      const code = await main(['validate', '--format', 'tabular', '--target', 'label', '--weight', 'weight', '--jobs', jobs, '--output', 'json', path], { out: (t) => (out += t), err: (t) => (err += t), cwd: dir });
      return { code, out, err };
    };
    const one = await run('1');
    assert.equal(one.code, 1);
    assert.match(one.out, /tabular\.split\.invalid|mlUse|csv\.raggedRow/);
    assert.deepEqual(await run('2'), one);
  });

  it('positional layouts (explicit format, no item consumer): the same result for 1, 2 and 5 jobs', async () => {
    const path = join(dir, 'img.csv');
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const k = (i * 7919) % 1000;
      const mlUse = k % 41 === 0 ? 'TRAIN' : ['training', 'validation', 'test', ''][i % 4];
      const uri = k % 37 === 0 ? `http://bkt/${i}.jpg` : `gs://bkt-${i % 5}/img/${i}.jpg`;
      const label = k % 43 === 0 ? '9bad label' : k % 47 === 0 ? `"multi\nline ${i}"` : `label_${i % 9}`;
      lines.push(k % 53 === 0 ? '' : k % 59 === 0 ? `${uri},say "hi"` : mlUse ? `${mlUse},${uri},${label}` : `${uri},${label}`);
    }
    writeFileSync(path, `${lines.join('\r\n')}\r\ngs://bkt/last.jpg,"never closed\n`);
    let most = 0;
    for (const maxDiagnostics of [undefined, 40]) {
      const base: CsvFileValidationOptions = { format: 'image-classification-single-label', parallelMinBytes: 1, maxDiagnostics };
      const oneResult = await validateCsvFile(path, base);
      assert.ok(new Set(oneResult.diagnostics.map((d) => d.code)).size >= 4, 'the file has findings of several kinds');
      const one = JSON.stringify(oneResult);
      for (const jobs of [2, 5]) {
        let ranges = 0;
        assert.equal(JSON.stringify(await validateCsvFile(path, { ...base, jobs, onRanges: (n) => (ranges = n) })), one, `jobs ${jobs}`);
        most = Math.max(most, ranges);
      }
    }
    assert.ok(most > 1, 'some run used worker threads');
    // With an item consumer (the dataset checks) the file is read on one thread.
    let ranges = 0;
    await validateCsvFile(path, { format: 'image-classification-single-label', parallelMinBytes: 1, jobs: 2, onItem: () => undefined, onRanges: (n) => (ranges = n) });
    assert.equal(ranges, 1);
  });

  it('merging the profiles of consecutive parts equals profiling all rows (property)', () => {
    const cell = fc.oneof(
      fc.integer({ min: -500, max: 500 }).map(String),
      fc.constantFrom('', 'true', 'False', 'paris', 'oslo', '2024-02-29', '2024-03-01 10:00:00', '1e3', '-0', '.5'),
      fc.string({ unit: fc.constantFrom('a', 'b', '1', '.', '-'), maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((cols) => fc.tuple(fc.constant(cols), fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 80 }))),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        ([cols, rows], cuts, cap) => {
          const names = Array.from({ length: cols }, (_, i) => `c${i}`);
          const whole = new ColumnProfiler(names, cap);
          for (const r of rows) whole.add(r);
          const points = [...new Set(cuts.map((c) => (rows.length ? c % (rows.length + 1) : 0)))].sort((a, b) => a - b);
          const bounds = [0, ...points, rows.length];
          const first = new ColumnProfiler(names, cap);
          for (let p = 0; p < bounds.length - 1; p++) {
            const part = p === 0 ? first : new ColumnProfiler(names, cap);
            for (let i = bounds[p]; i < bounds[p + 1]; i++) {
              const line = rows[i].join(',');
              // In place when the line has no quotes or commas inside cells, as the reader would.
              if (!part.addLine(line, 0, line.length)) part.add(rows[i]);
            }
            if (p > 0) first.merge(part.state());
          }
          assert.deepEqual(first.result(), whole.result());
        },
      ),
      { numRuns: 500 },
    );
  });
});
