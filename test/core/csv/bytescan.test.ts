// The WebAssembly byte scanner of tabular CSV files (src/core/csv/bytescan.ts, csvscan.c) against
// the text path it stands in for: on random files (quotes, quoted line breaks, CRLF and lone CR,
// a BOM, ragged rows, blank lines, nulls, numbers of every shape, dates, non-ASCII text, NUL
// bytes, distinct counts around the cap) read in chunks of any size, the validation result
// (findings, positions, messages, items, lines, the tabular summary and its profile) must be
// identical with and without the scanner.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { byteScanStats, setByteScan } from '../../../src/core/csv/bytescan';
import { validateCsvFile, validateTabularFiles, type CsvFileValidationOptions } from '../../../src/core/csv/validate';

/** A small deterministic generator (the property shrinks over its seed and the knobs). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const NUMBERS = [
  '0', '-0', '+0', '-0.0', '007', '12', '-12', '+12', '3.25', '-3.25', '.5', '5.', '-.5', '.', '-', '+', '1e5', '1E-3', '-2.5e+3',
  '123456789012345', '1234567890123456', '99999999999999999999', '0.000000000000001', '1.0000000000000001', '12345.678901234',
  '1,5', ' 5', '5 ', '0x1F', 'Infinity', 'NaN', '1.2.3', '--1', '9999', '10000', '10000.5', '-1', '20000',
];
const STRINGS = ['paris', 'oslo', 'true', 'FALSE', 'True', 'x', 'a b', 'training', 'validation', 'test', 'TRAIN', 'n/a', 'null', 'NULL'];
const DATES = ['2023-01-05', '2024-02-29', '2023-02-29', '2023-13-01', '2024-02-29 13:45', '2024-03-01T13:45:00', '2024-03-01T13:45:00Z', '2024-03-01 25:00:00', '2024-03-01T13:45:00.5Z', '2024-03-01T13:45:00+02:00', '1985-04-12T23:20:50.52Z'];

type Kind = 'int' | 'number' | 'string' | 'date' | 'mixed' | 'split';

function cell(r: () => number, kind: Kind, distinct: number, i: number, trouble: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const t = r();
  if (t < trouble * 0.3) return '';
  if (t < trouble * 0.4) return '""';
  if (t < trouble * 0.5) return `"${pick(STRINGS)}, ${i % 7}"`;
  if (t < trouble * 0.55) return `"say ""${pick(STRINGS)}"""`;
  if (t < trouble * 0.6) return `"two\nlines ${i % 5}"`;
  if (t < trouble * 0.63) return `"cr\rlf\r\n${i % 3}"`;
  if (t < trouble * 0.66) return 'say "hi"';
  if (t < trouble * 0.69) return '"closed"then';
  if (t < trouble * 0.72) return pick(['café', 'naïve', 'Ω', '東京', '😀']);
  if (t < trouble * 0.8) return pick(NUMBERS);
  if (t < trouble * 0.85) return pick(DATES);
  if (t < trouble * 0.87) return `"${Math.floor(r() * distinct)}"`;
  const k = Math.floor(r() * distinct);
  switch (kind) {
    case 'int':
      return String(k);
    case 'number':
      return String(k / 100);
    case 'string':
      return `v${k}`;
    case 'date':
      return `20${String(10 + (k % 15)).padStart(2, '0')}-${String(1 + (k % 12)).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}${k % 3 === 0 ? ` ${String(k % 24).padStart(2, '0')}:15:00` : ''}`;
    case 'split':
      return ['training', 'validation', 'test'][k % 3];
    case 'mixed':
      return k % 4 === 0 ? `m${k}` : String(k);
  }
}

interface Shape {
  seed: number;
  rows: number;
  kinds: Kind[];
  distinct: number[];
  trouble: number;
  eol: number;
  bom: boolean;
  finalEol: boolean;
}

function makeCsv(s: Shape): string {
  const r = rng(s.seed);
  const names = s.kinds.map((k, i) => (k === 'split' ? 'ml_use' : `c${i}`));
  const eols = ['\n', '\r\n', '\r'];
  const out: string[] = [(s.bom ? '\ufeff' : '') + names.join(',')];
  for (let i = 0; i < s.rows; i++) {
    let cells = s.kinds.map((k, c) => cell(r, k, s.distinct[c], i, s.trouble));
    const t = r();
    if (t < s.trouble * 0.03) cells = cells.slice(0, -1);
    else if (t < s.trouble * 0.06) cells.push('extra');
    else if (t < s.trouble * 0.08) cells = [''];
    out.push(cells.join(','));
  }
  let text = '';
  for (let i = 0; i < out.length; i++) {
    text += out[i];
    if (i < out.length - 1 || s.finalEol) {
      const e = r();
      text += s.eol === 3 ? (e < 0.1 ? '\r' : e < 0.5 ? '\r\n' : '\n') : eols[s.eol];
    }
  }
  return text;
}

const shape: fc.Arbitrary<Shape> = fc
  .integer({ min: 2, max: 6 })
  .chain((cols) =>
    fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      rows: fc.integer({ min: 0, max: 4000 }),
      kinds: fc.array(fc.constantFrom<Kind>('int', 'number', 'string', 'date', 'mixed', 'split'), { minLength: cols, maxLength: cols }),
      distinct: fc.array(fc.oneof({ arbitrary: fc.constantFrom(1, 3, 50), weight: 3 }, { arbitrary: fc.constantFrom(990, 1000, 1001, 1200, 5000), weight: 1 }), { minLength: cols, maxLength: cols }),
      trouble: fc.constantFrom(0, 0, 0.001, 0.02, 0.2),
      eol: fc.integer({ min: 0, max: 3 }),
      bom: fc.boolean(),
      finalEol: fc.boolean(),
    }),
  );

describe('tabular CSV byte scanner (WebAssembly) against the text path', function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-bytescan-'))));
  after(() => {
    setByteScan(true);
    rmSync(dir, { recursive: true, force: true });
  });

  async function both(path: string, options: CsvFileValidationOptions): Promise<[string, string]> {
    setByteScan(false);
    const text = JSON.stringify(await validateCsvFile(path, options));
    setByteScan(true);
    const bytes = JSON.stringify(await validateCsvFile(path, options));
    return [text, bytes];
  }

  it('random files, chunk sizes and options: identical results (property)', async () => {
    const before = byteScanStats.lines;
    let n = 0;
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(
        shape,
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 70_000 })),
        fc.record({
          target: fc.constantFrom<string | undefined>('c0', 'c1', undefined),
          weight: fc.constantFrom<string | undefined>('c1', 'c2', undefined),
          objective: fc.constantFrom<CsvFileValidationOptions['objective']>(undefined, 'classification', 'regression'),
          timestampSplitColumn: fc.constantFrom<string | undefined>(undefined, undefined, undefined, 'c2'),
          maxFieldChars: fc.constantFrom<number | undefined>(undefined, undefined, 12),
          maxDiagnostics: fc.constantFrom<number | undefined>(undefined, 30),
        }),
        async (s, chunkBytes, o) => {
          const path = join(dir, `p${n++}.csv`);
          writeFileSync(path, makeCsv(s));
          rows += s.rows;
          try {
            const options: CsvFileValidationOptions = { format: 'tabular', chunkBytes, ...o };
            if (options.weight === options.target) delete options.weight;
            const [text, bytes] = await both(path, options);
            assert.equal(bytes, text);
          } finally {
            rmSync(path, { force: true });
          }
        },
      ),
      { numRuns: 150 },
    );
    // Many files have a finding on most rows (those rows are the text path's), but not all: the
    // property must reach the scanner. The share varies with the random files (9-20% seen); the
    // test below checks that clean files go through it nearly whole.
    const taken = byteScanStats.lines - before;
    assert.ok(taken > rows / 50, `the byte scanner took ${taken} of ${rows} rows`);
  });

  it('clean files of every column kind: the scanner takes nearly every row, with identical results', async () => {
    const variants: Record<string, (i: number) => string> = {
      ints: (i) => `${i % 7},${(i * 31) % 2000},v${i % 3},${i % 4}`,
      decimals: (i) => `${i % 7},${((i * 37) % 100_000) / 100},"q, ${i % 3}",${(i % 40) / 4}`,
      dates: (i) => `${i % 7},2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,x${i},1`,
      crlf: (i) => `${i % 7},-${i}.5,"a ""b"" ${i % 5}",0`,
    };
    for (const [name, f] of Object.entries(variants)) {
      const path = join(dir, `v-${name}.csv`);
      const lines = ['c0,c1,c2,w'];
      for (let i = 0; i < 6000; i++) lines.push(f(i));
      writeFileSync(path, `\ufeff${lines.join(name === 'crlf' ? '\r\n' : '\n')}\n`);
      for (const objective of [undefined, 'regression'] as const) {
        const start = byteScanStats.lines;
        const [text, bytes] = await both(path, { format: 'tabular', target: 'c0', weight: 'w', objective, chunkBytes: 8192 });
        assert.equal(bytes, text, name);
        assert.ok(byteScanStats.lines - start > 3000, `${name}: the scanner took ${byteScanStats.lines - start} rows`);
        assert.ok(!JSON.parse(text).diagnostics.some((d: { severity: string }) => d.severity === 'error'), name);
      }
    }
  });

  it('-0 in a numeric column past the cap is 0 in the profile on both paths', async () => {
    const path = join(dir, 'zero.csv');
    const lines = ['a,b'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${i < 2000 ? i + 1 : i % 2 ? '-0' : '-0.0'}`);
    writeFileSync(path, lines.join('\n') + '\n');
    for (const on of [false, true]) {
      setByteScan(on);
      const start = byteScanStats.lines;
      const r = await validateCsvFile(path, { format: 'tabular', chunkBytes: 4096 });
      assert.ok(Object.is(r.tabular?.profile[1].min, 0), `scanner ${on}`);
      if (on) assert.ok(byteScanStats.lines - start > 500);
    }
  });

  it('NUL bytes, non-ASCII text after ASCII chunks, and a line longer than the scanner keeps back', async () => {
    const header = 'id,amount,label';
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${(i * 37) % 1000 / 10},${['a', 'b', 'c'][i % 3]}`);
    const cases: Record<string, string> = {
      nul: [header, ...rows.slice(0, 2000), '5,\u0000,a', ...rows.slice(2000)].join('\n'),
      utf8: [header, ...rows.slice(0, 2000), '5,1,é', ...rows.slice(2000)].join('\n'),
      long: [header, ...rows.slice(0, 1000), `5,1,${'x'.repeat(1_300_000)}`, ...rows.slice(1000), `6,2,"${'y\n'.repeat(700_000)}"`, ...rows.slice(1500)].join('\n'),
    };
    for (const [name, text] of Object.entries(cases)) {
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, text);
      for (const chunkBytes of [4096, 65_536, undefined]) {
        const [a, b] = await both(path, { format: 'tabular', target: 'label', chunkBytes });
        assert.equal(b, a, `${name}, chunks of ${chunkBytes}`);
      }
    }
  });

  it('multi-file sources and worker threads: identical results', async () => {
    const r = rng(99);
    const files = [0, 1, 2].map((f) => {
      const path = join(dir, `m${f}.csv`);
      const lines = f === 1 ? [] : ['id,amount,label,ml_use'];
      for (let i = 0; i < 4000; i++) lines.push(`${i},${Math.floor(r() * 3000) / 10},${['x', 'y', 'z', ''][Math.floor(r() * 3.02)]},${r() < 0.01 ? 'TRAIN' : 'training'}`);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    });
    setByteScan(false);
    const text = JSON.stringify(await validateTabularFiles(files, { target: 'label' }));
    const jobsText = JSON.stringify(await validateCsvFile(files[0], { format: 'tabular', target: 'label', jobs: 3, parallelMinBytes: 1 }));
    setByteScan(true);
    assert.equal(JSON.stringify(await validateTabularFiles(files, { target: 'label' })), text);
    assert.equal(JSON.stringify(await validateCsvFile(files[0], { format: 'tabular', target: 'label', jobs: 3, parallelMinBytes: 1 })), jobsText);
  });
});
