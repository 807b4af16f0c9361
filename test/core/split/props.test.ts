import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SplitError, splitText } from '../../../src/core/split';
import type { SplitOptions, StrategyName } from '../../../src/core/split';

const ML = 'aiplatform.googleapis.com/ml_use';
const SPLITS = ['training', 'validation', 'test'];

/** The refusal of k-fold with more folds than data items: both numbers, and what to do (CLI wording). */
function tooManyFolds(k: number, items: number): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof SplitError, String(e));
    assert.equal(e.exitCode, 2);
    assert.equal(
      e.message,
      `${k} folds need at least ${k} data items (one to test on in each fold), but the file has ${items} data item${items === 1 ? '' : 's'}: ` +
        (items >= 2 ? `use --k ${items} or fewer, or add data` : 'add data'),
    );
    return true;
  };
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** JSON text in a chosen spacing style (the writer must keep the line's own style). */
function styled(v: Json, spaced: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => styled(x, spaced)).join(spaced ? ', ' : ',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => JSON.stringify(k) + (spaced ? ': ' : ':') + styled(x, spaced))
      .join(spaced ? ', ' : ',')}}`;
  }
  return JSON.stringify(v);
}

interface GenItem {
  media: number;
  labels: string[];
  existing: 'none' | 'empty' | 'prefixed' | 'bare' | 'other-labels';
  existingValue: string;
  spaced: boolean;
  labelsFirst: boolean;
  time: number;
  user: number;
  note: string;
}

const genItem = (mediaMax: number, multi: boolean): fc.Arbitrary<GenItem> =>
  fc.record({
    media: fc.integer({ min: 0, max: mediaMax }),
    labels: multi ? fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 4 }) : fc.constantFrom('a', 'b', 'c', 'd', 'e').map((x) => [x]),
    existing: fc.constantFrom('none', 'empty', 'prefixed', 'bare', 'other-labels'),
    existingValue: fc.constantFrom('training', 'validation', 'test', 'TRAIN', 'UNASSIGNED', 'bogus'),
    spaced: fc.boolean(),
    labelsFirst: fc.boolean(),
    time: fc.integer({ min: 0, max: 2_000_000_000 }),
    user: fc.integer({ min: 0, max: 9 }),
    note: fc.string({ maxLength: 6, unit: 'grapheme' }),
  });

function objectOf(g: GenItem, withUnit: boolean): { [k: string]: Json } {
  const labels: { [k: string]: Json } | undefined =
    g.existing === 'none'
      ? undefined
      : g.existing === 'empty'
        ? {}
        : g.existing === 'prefixed'
          ? { team: 'x', [ML]: g.existingValue }
          : g.existing === 'bare'
            ? { ml_use: g.existingValue, team: 'y' }
            : { team: 'z' };
  const body: { [k: string]: Json } = {
    imageGcsUri: `gs://bucket/${g.media}.jpg`,
    classificationAnnotations: g.labels.map((displayName) => ({ displayName })),
    note: g.note,
    ts: new Date(g.time * 1000).toISOString(),
    user: withUnit ? `u${g.user}` : `u${g.media % 7}`,
  };
  if (!labels) return body;
  return g.labelsFirst ? { dataItemResourceLabels: labels, ...body } : { ...body, dataItemResourceLabels: labels };
}

/** The exact line the writer must produce: only the ml_use label changes or appears. */
function expectedLine(g: GenItem, withUnit: boolean, value: string): string {
  const obj = objectOf(g, withUnit);
  const labels = obj.dataItemResourceLabels as { [k: string]: Json } | undefined;
  if (!labels) return styled({ ...obj, dataItemResourceLabels: { [ML]: value } }, g.spaced);
  const next: { [k: string]: Json } = {};
  let done = false;
  for (const [k, v] of Object.entries(labels)) {
    if (k === ML || k === 'ml_use') {
      next[ML] = value;
      done = true;
    } else next[k] = v;
  }
  if (!done) next[ML] = value;
  return styled({ ...obj, dataItemResourceLabels: next }, g.spaced);
}

function mlUseOf(line: string): string {
  return (JSON.parse(line) as { dataItemResourceLabels: Record<string, string> }).dataItemResourceLabels[ML];
}

const strategyArb = fc.constantFrom<StrategyName>('random', 'stratified', 'manual', 'group', 'temporal');

async function run(items: GenItem[], opts: SplitOptions, withUnit = false, eol = '\n'): Promise<{ lines: string[]; out: string[]; r: Awaited<ReturnType<typeof splitText>> }> {
  const lines = items.map((g) => styled(objectOf(g, withUnit), g.spaced));
  const r = await splitText(lines.join(eol) + eol, opts, 'data.jsonl');
  const out = r.outputs[0].split(eol);
  assert.equal(out.pop(), '');
  return { lines, out, r };
}

function optsFor(strategy: StrategyName, seed: number, fractions: number[]): SplitOptions {
  return { strategy, seed, fractions, by: strategy === 'group' ? 'user' : undefined, timeField: strategy === 'temporal' ? 'ts' : undefined };
}

const fractionsArb = fc
  .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
  .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)]);

describe('split: properties (fast-check)', function () {
  this.timeout(120000);

  it('every item lands in exactly one split, and lines of one image share it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(30, true), { minLength: 1, maxLength: 80 }), strategyArb, fc.integer(), fractionsArb, async (items, strategy, seed, fr) => {
        const { out, r } = await run(items, optsFor(strategy, seed, fr));
        const byMedia = new Map<number, string>();
        items.forEach((g, i) => {
          const use = mlUseOf(out[i]);
          assert.ok(SPLITS.includes(use), use);
          const prev = byMedia.get(g.media);
          if (prev !== undefined) assert.equal(use, prev, `image ${g.media} straddles splits`);
          byMedia.set(g.media, use);
        });
        assert.equal(r.plan.report.items, byMedia.size);
        const counts = SPLITS.map((s) => [...byMedia.values()].filter((u) => u === s).length);
        assert.deepEqual(counts, r.plan.report.counts);
      }),
      { numRuns: 150 },
    );
  });

  it('nothing but ml_use changes: every output line equals the exact expected bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(1000, true), { minLength: 1, maxLength: 40 }), strategyArb, fc.integer(), fc.constantFrom('\n', '\r\n'), async (items, strategy, seed, eol) => {
        const { out } = await run(items, optsFor(strategy, seed, [0.8, 0.1, 0.1]), false, eol);
        assert.equal(out.length, items.length);
        items.forEach((g, i) => assert.equal(out[i], expectedLine(g, false, mlUseOf(out[i]))));
      }),
      { numRuns: 150 },
    );
  });

  it('stratified: every label within one item of its target in every split (single-label)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(100000, false), { minLength: 1, maxLength: 300 }), fc.integer(), fractionsArb, async (items, seed, fr) => {
        const { r } = await run(items, { strategy: 'stratified', seed, fractions: fr });
        for (const l of r.plan.report.labels) {
          l.counts.forEach((c, s) => assert.ok(Math.abs(c - fr[s] * l.total) <= 1 + 1e-9, `${l.label}: ${c} vs ${fr[s] * l.total}`));
        }
        r.plan.report.counts.forEach((c, s) => assert.ok(Math.abs(c - fr[s] * r.plan.report.items) < r.plan.report.labels.length + 1));
      }),
      { numRuns: 100 },
    );
  });

  it('stratified k-fold: every label within one item of total/k in every fold (single-label)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(100000, false), { minLength: 1, maxLength: 200 }), fc.integer(), fc.integer({ min: 2, max: 6 }), async (items, seed, k) => {
        const lines = items.map((g) => styled(objectOf(g, false), g.spaced));
        // Lines of one image are one item; fewer items than folds is refused, not split into folds with nothing to test.
        const distinct = new Set(items.map((g) => g.media)).size;
        if (k > distinct) {
          await assert.rejects(splitText(lines.join('\n'), { strategy: 'stratified-kfold', seed, k }, 'd.jsonl'), tooManyFolds(k, distinct));
          return;
        }
        const r = await splitText(lines.join('\n'), { strategy: 'stratified-kfold', seed, k }, 'd.jsonl');
        assert.equal(r.outputs.length, k);
        for (const l of r.plan.report.labels) for (const c of l.counts) assert.ok(Math.abs(c - l.total / k) <= 1 + 1e-9);
        // Each item is held out (test) in exactly one fold file.
        const perLine = lines.map((_, i) => r.outputs.filter((o) => mlUseOf(o.split('\n')[i]) === 'test').length);
        const seen = new Map<number, number>();
        items.forEach((g, i) => seen.set(g.media, perLine[i]));
        for (const n of seen.values()) assert.equal(n, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('multi-label stratified: every label within its reported bound in every split, the bound at most max(1, its multi-label items)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(60, true), { minLength: 1, maxLength: 300 }), fc.integer(), fractionsArb, async (items, seed, fr) => {
        const { r } = await run(items, { strategy: 'stratified', seed, fractions: fr });
        // Labels of an item are those of all its lines (lines of one image are one item).
        const labelsOf = new Map<number, Set<string>>();
        for (const g of items) {
          const set = labelsOf.get(g.media) ?? new Set<string>();
          g.labels.forEach((l) => set.add(l));
          labelsOf.set(g.media, set);
        }
        for (const l of r.plan.report.labels) {
          const multi = [...labelsOf.values()].filter((set) => set.has(l.label) && set.size > 1).length;
          assert.ok(l.bound !== undefined && l.bound >= 1 && l.bound <= Math.max(1, multi) + 1e-9, `${l.label}: bound ${l.bound}, ${multi} multi-label item(s)`);
          if (multi === 0) assert.equal(l.bound, 1);
          l.counts.forEach((c, s) => assert.ok(Math.abs(c - fr[s] * l.total) <= l.bound! + 1e-6, `${l.label}: ${l.counts} of ${l.total}, bound ${l.bound}`));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('multi-label: some files cannot have every label within one item of its target, and the report says how far it may be', async () => {
    // Five images, one label per three of them: any two-way split puts three images, and so all
    // of one label's items, on one side: 3 against a target of 1.5.
    const triples: number[][] = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) for (let c = b + 1; c < 5; c++) triples.push([a, b, c]);
    for (let mask = 0; mask < 32; mask++) {
      const worst = Math.max(...triples.map((t) => Math.abs(t.filter((x) => (mask >> x) & 1).length - 1.5)));
      assert.ok(worst > 1, `assignment ${mask} would stratify every label`);
    }
    const lines = [0, 1, 2, 3, 4].map((x) =>
      JSON.stringify({ imageGcsUri: `gs://b/${x}.jpg`, classificationAnnotations: triples.filter((t) => t.includes(x)).map((t) => ({ displayName: `t${t.join('')}` })) }),
    );
    for (let seed = 0; seed < 20; seed++) {
      const r = await splitText(lines.join('\n') + '\n', { strategy: 'stratified', seed, fractions: [0.5, 0.5, 0] }, 'd.jsonl');
      const labels = r.plan.report.labels;
      assert.equal(labels.length, 10);
      for (const l of labels) l.counts.forEach((c, s) => assert.ok(Math.abs(c - [0.5, 0.5, 0][s] * l.total) <= l.bound! + 1e-9));
      assert.ok(labels.some((l) => l.bound! > 1));
    }
  });

  it('group: items sharing a key never straddle splits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(60, true), { minLength: 1, maxLength: 120 }), fc.integer(), fractionsArb, async (items, seed, fr) => {
        const { out } = await run(items, { strategy: 'group', seed, fractions: fr, by: 'user' });
        const byUser = new Map<string, string>();
        items.forEach((g, i) => {
          const u = `u${g.media % 7}`;
          const use = mlUseOf(out[i]);
          assert.equal(byUser.get(u) ?? use, use, `group ${u} straddles splits`);
          byUser.set(u, use);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('temporal: no training item is newer than a validation item, none of those newer than a test item', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(100000, true), { minLength: 1, maxLength: 150 }), fc.integer(), fractionsArb, async (items, seed, fr) => {
        const { out } = await run(items, { strategy: 'temporal', seed, fractions: fr, timeField: 'ts' });
        const itemTime = new Map<number, number>();
        items.forEach((g) => itemTime.set(g.media, Math.min(itemTime.get(g.media) ?? Infinity, g.time)));
        const range = SPLITS.map(() => ({ min: Infinity, max: -Infinity }));
        items.forEach((g, i) => {
          const s = SPLITS.indexOf(mlUseOf(out[i]));
          const t = itemTime.get(g.media)!;
          range[s].min = Math.min(range[s].min, t);
          range[s].max = Math.max(range[s].max, t);
        });
        for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) assert.ok(range[a].max <= range[b].min, JSON.stringify(range));
      }),
      { numRuns: 150 },
    );
  });

  it('manual: valid existing values are kept, only the others are assigned', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(genItem(100000, true), { minLength: 1, maxLength: 100 }), fc.integer(), async (items, seed) => {
        const { out } = await run(items, { strategy: 'manual', seed });
        const canon: Record<string, string> = { training: 'training', validation: 'validation', test: 'test', TRAIN: 'training' };
        const valid = new Map<number, Set<string>>();
        for (const g of items) {
          const v = g.existing === 'prefixed' || g.existing === 'bare' ? canon[g.existingValue] : undefined;
          if (!valid.has(g.media)) valid.set(g.media, new Set());
          if (v) valid.get(g.media)!.add(v);
        }
        items.forEach((g, i) => {
          const vs = valid.get(g.media)!;
          // One valid value among the item's lines is kept; conflicting values make it unassigned.
          if (vs.size === 1) assert.equal(mlUseOf(out[i]), [...vs][0]);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('k-fold with more folds than items is refused (exit 2, both numbers named); k = items still gives one test item per fold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(genItem(30, true), { minLength: 1, maxLength: 40 }),
        fc.constantFrom<StrategyName>('kfold', 'stratified-kfold'),
        fc.integer(),
        fc.integer({ min: 0, max: 3 }),
        async (items, strategy, seed, over) => {
          const text = items.map((g) => styled(objectOf(g, false), g.spaced)).join('\n');
          const distinct = new Set(items.map((g) => g.media)).size;
          if (distinct >= 2) {
            // Leave-one-out is the most folds a file allows: every fold tests on exactly one item.
            const r = await splitText(text, { strategy, seed, k: distinct }, 'd.jsonl');
            assert.deepEqual(r.plan.report.counts, new Array(distinct).fill(1));
          }
          const k = Math.max(2, distinct + 1 + over);
          await assert.rejects(splitText(text, { strategy, seed, k }, 'd.jsonl'), tooManyFolds(k, distinct));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('deterministic: same input, options and seed give identical bytes, whatever the read chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(genItem(40, true), { minLength: 1, maxLength: 60 }),
        fc.constantFrom<StrategyName>('random', 'stratified', 'manual', 'group', 'temporal', 'kfold', 'stratified-kfold'),
        fc.integer(),
        fc.integer({ min: 1, max: 97 }),
        async (items, strategy, seed, chunk) => {
          const text = items.map((g) => styled(objectOf(g, true), g.spaced)).join('\n');
          const o = { ...optsFor(strategy, seed, [0.7, 0.2, 0.1]), k: 3 };
          if (strategy.includes('kfold')) delete o.fractions;
          const distinct = new Set(items.map((g) => g.media)).size;
          if (strategy.includes('kfold') && distinct < 3) {
            await assert.rejects(splitText(text, o, 'd.jsonl'), tooManyFolds(3, distinct));
            await assert.rejects(splitText(text, { ...o, chunkSize: chunk }, 'd.jsonl'), tooManyFolds(3, distinct));
            return;
          }
          const a = await splitText(text, o, 'd.jsonl');
          const b = await splitText(text, { ...o, chunkSize: chunk }, 'd.jsonl');
          assert.deepEqual(a.outputs, b.outputs);
          assert.deepEqual(a.plan.report, b.plan.report);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- CSV ----

const field = fc.oneof(
  fc.stringMatching(/^[a-z0-9 ._-]{0,6}$/),
  fc.string({ maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`),
  fc.constantFrom('"a,b"', '"line\nbreak"', '"q""q"', '""'),
);

describe('split: CSV properties (fast-check)', function () {
  this.timeout(120000);

  it('positional CSV: each row becomes VALUE,row-without-its-ml_use-column', async () => {
    const row = fc.record({
      use: fc.constantFrom(undefined, '', 'TRAINING', 'test', '"validation"', 'UNASSIGNED'),
      media: fc.integer({ min: 0, max: 30 }),
      rest: fc.array(field, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 64 }), fc.integer(), async (rows, eol, chunk, seed) => {
        const body = rows.map((r) => [...(r.use === undefined ? [] : [r.use]), `gs://b/${r.media}.jpg`, ...r.rest].join(','));
        const text = body.join(eol) + eol;
        const res = await splitText(text, { strategy: 'random', seed, format: 'image-classification-multi-label', chunkSize: chunk });
        const out = res.outputs[0];
        // Rebuild: the output must be exactly the input rows with the first column set.
        let pos = 0;
        const uses = new Map<number, string>();
        rows.forEach((r, i) => {
          const comma = out.indexOf(',', pos);
          const use = out.slice(pos, comma);
          assert.ok(SPLITS.includes(use), use);
          assert.equal(uses.get(r.media) ?? use, use);
          uses.set(r.media, use);
          const expectedRest = [`gs://b/${r.media}.jpg`, ...r.rest].join(',') + eol;
          assert.equal(out.slice(comma + 1, comma + 1 + expectedRest.length), expectedRest, `row ${i}`);
          pos = comma + 1 + expectedRest.length;
        });
        assert.equal(pos, out.length);
      }),
      { numRuns: 150 },
    );
  });

  it('tabular CSV: the header and every row gain exactly one trailing field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((w) => fc.tuple(fc.constant(w), fc.array(fc.array(field, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 60 }))),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom<StrategyName>('random', 'kfold'),
        async ([w, rows], eol, chunk, strategy) => {
          const header = ['id', ...Array.from({ length: w }, (_, i) => `c${i}`)].join(',');
          rows = rows.map((r, i) => [String(i), ...r]);
          const text = [header, ...rows.map((r) => r.join(','))].join(eol) + eol;
          if (strategy === 'kfold' && rows.length < 2) {
            await assert.rejects(splitText(text, { strategy, seed: 1, k: 2, format: 'tabular', chunkSize: chunk }), tooManyFolds(2, rows.length));
            return;
          }
          const res = await splitText(text, { strategy, seed: 1, k: 2, format: 'tabular', chunkSize: chunk });
          const col = strategy === 'kfold' ? 'fold' : 'ml_use';
          const allowed = strategy === 'kfold' ? ['1', '2'] : SPLITS;
          const out = res.outputs[0];
          let pos = 0;
          const expectHead = `${header},${col}${eol}`;
          assert.equal(out.slice(0, expectHead.length), expectHead);
          pos = expectHead.length;
          for (const r of rows) {
            const raw = r.join(',') + ',';
            assert.equal(out.slice(pos, pos + raw.length), raw);
            pos += raw.length;
            const end = out.indexOf(eol, pos);
            assert.ok(allowed.includes(out.slice(pos, end)));
            pos = end + eol.length;
          }
          assert.equal(pos, out.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
