import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DatasetAccumulator, IncrementalDataset, MultisetHistogram, type DatasetOptions, type DatasetResult, type MediaTable } from '../../../src/core/dataset';
import { HistogramBuilder, TEXT_LENGTH_EDGES } from '../../../src/core/dataset/stats';
import type { FormatId, MlUse } from '../../../src/core/formats';
import type { AnnotationFacts, ItemFacts } from '../../../src/core/items';
import { box, cls, item, only, sentiment, seg, span, tracked } from './helpers';

const URIS = ['gs://b/a.mp4', 'gs://b/b.mp4', 'gs://b/c.mp4', undefined];
const LABELS = ['cat', 'dog', 'eel'];

const label = fc.constantFrom(...LABELS);
const annotationOf: Partial<Record<FormatId, fc.Arbitrary<AnnotationFacts>>> = {
  'image-classification-single-label': label.map(cls),
  'image-classification-multi-label': label.map(cls),
  'text-classification-multi-label': label.map(cls),
  'video-classification': label.map(cls),
  'image-bounding-box': fc
    .tuple(label, fc.constantFrom(0, 0.1, 0.5), fc.constantFrom(0.001, 0.2, 0.4), fc.constantFrom(0.005, 0.3))
    .map(([l, x, w, h]) => box(l, x, x, x + w, x + h)),
  'text-extraction': fc.tuple(label, fc.integer({ min: 0, max: 3 })).map(([l, s]) => span(l, s, s + 2)),
  'text-sentiment': fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(3, 4)).map(([v, m]) => sentiment(v, m)),
  'video-action-recognition': fc
    .tuple(label, fc.constantFrom(0, 1, 2), fc.constantFrom(1, 3, 50, Infinity))
    .map(([l, s, d]) => seg(l, s, s + d)),
  'video-object-tracking': fc.tuple(label, fc.constantFrom(0, 1, 40), fc.constantFrom('1', '2', undefined)).map(([l, t, id]) => tracked(l, t, id)),
  'image-segmentation': fc.uniqueArray(label, { maxLength: 2 }).map((labels): AnnotationFacts => ({ kind: 'segmentation', maskUri: 'gs://b/m.png', labels })),
};
const FORMATS = Object.keys(annotationOf) as FormatId[];

const MEDIA: MediaTable = new Map([
  ['gs://b/a.mp4', { duration: 30, width: 4000, height: 3000 }],
  ['gs://b/b.mp4', { duration: 20000, width: 100, height: 100 }],
]);

interface Facts {
  uri?: string;
  /** Inline text: equal texts are one data item, like equal URIs. */
  content?: string;
  mlUse?: MlUse;
  text?: number;
  annotations: AnnotationFacts[];
}

function factsArb(format: FormatId): fc.Arbitrary<Facts> {
  return fc.record({
    uri: fc.constantFrom(...URIS),
    content: fc.constantFrom(undefined, '', 'hello', 'world'),
    mlUse: fc.constantFrom<(MlUse | undefined)[]>(undefined, 'training', 'validation', 'test'),
    text: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
    annotations: fc.array(annotationOf[format]!, { maxLength: 3 }),
  });
}

type Op = { kind: 'add' | 'replace'; line: number; facts: Facts } | { kind: 'remove'; line: number };

function make(line: number, f: Facts): ItemFacts {
  const facts = item(line, f.uri, f.annotations, f.mlUse, f.text);
  if (f.content !== undefined) facts.textContent = f.content;
  return facts;
}

/** Histogram means are sums taken in another order: equal up to rounding. */
function normalize(r: DatasetResult): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'mean' && typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
}

function fresh(format: FormatId, options: DatasetOptions, items: Map<number, ItemFacts>): DatasetResult {
  const acc = new DatasetAccumulator(format, options);
  acc.addFile(options.csv ? 'a.csv' : 'a.jsonl');
  for (const line of [...items.keys()].sort((a, b) => a - b)) acc.add(items.get(line)!, options.csv ? 'a.csv' : 'a.jsonl');
  return acc.finish();
}

describe('incremental dataset checks', () => {
  it('any sequence of add/replace/remove gives the findings and statistics of a fresh accumulator over the final items', () => {
    const scenario = fc
      .record({
        format: fc.constantFrom(...FORMATS),
        csv: fc.boolean(),
        strict: fc.boolean(),
        media: fc.boolean(),
        maxRelated: fc.constantFrom(0, 1, 20),
        maxPerCode: fc.constantFrom(1, 2, 1000),
      })
      .chain((s) =>
        fc.record({
          s: fc.constant(s),
          ops: fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant<'add'>('add'), line: fc.integer({ min: 1, max: 24 }), facts: factsArb(s.format) }),
              fc.record({ kind: fc.constant<'replace'>('replace'), line: fc.integer({ min: 1, max: 24 }), facts: factsArb(s.format) }),
              fc.record({ kind: fc.constant<'remove'>('remove'), line: fc.integer({ min: 1, max: 24 }) }),
            ),
            { maxLength: 40 },
          ),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ s, ops }) => {
        const options: DatasetOptions = { csv: s.csv, strict: s.strict, maxRelated: s.maxRelated, maxPerCode: s.maxPerCode, media: s.media ? MEDIA : undefined };
        const file = s.csv ? 'a.csv' : 'a.jsonl';
        const inc = new IncrementalDataset(s.format, options);
        inc.addFile(file);
        const items = new Map<number, ItemFacts>();
        for (const op of ops as Op[]) {
          const old = items.get(op.line);
          if (op.kind === 'remove') {
            if (!old) continue;
            inc.remove(old);
            items.delete(op.line);
          } else {
            const next = make(op.line, op.facts);
            if (old) inc.replace(old, next);
            else inc.add(next, op.line, file);
            items.set(op.line, next);
          }
          assert.deepEqual(normalize(inc.result()), normalize(fresh(s.format, options, items)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('lines moved by an edit above (facts fixed up in place) show in the findings without telling the dataset', () => {
    const items = Array.from({ length: 9 }, (_, i) => item(i + 1, `gs://b/${i}.jpg`, [cls('cat')]));
    const inc = new IncrementalDataset('image-classification-single-label');
    items.forEach((it, i) => inc.add(it, i));
    assert.equal(only(inc.result().diagnostics, 'label.tooFewItems')[0].line, 1);
    for (const it of items) {
      it.line += 3;
      it.anchor.line += 3;
      it.anchor.endLine += 3;
    }
    const inserted = item(2, 'gs://b/new.jpg', [cls('cat')]);
    inc.add(inserted, -1);
    const f = only(inc.result().diagnostics, 'label.tooFewItems');
    assert.equal(f.length, 0, '10 images now');
    inc.remove(items[4]);
    const again = only(inc.result().diagnostics, 'label.tooFewItems');
    assert.equal(again[0].line, 2, 'first use is the inserted line');
    assert.deepEqual(again[0].related?.map((r) => r.line), [4, 5, 6, 7, 9, 10, 11, 12]);
  });

  it('an image over the per-image box limit: box.tooMany follows removals and replacements', () => {
    const boxes = (n: number) => Array.from({ length: n }, () => box('car', 0.1, 0.1, 0.5, 0.5));
    const options: DatasetOptions = { csv: true };
    const rows = [item(1, 'gs://b/x.jpg', boxes(300)), item(2, 'gs://b/y.jpg', boxes(10)), item(3, 'gs://b/x.jpg', boxes(201).map((b, i) => ({ ...b, xMin: i / 1000 })))];
    const inc = new IncrementalDataset('image-bounding-box', options);
    rows.forEach((r, i) => inc.add(r, i, 'a.csv'));
    const check = (live: ItemFacts[]) => {
      const acc = new DatasetAccumulator('image-bounding-box', options);
      for (const r of live) acc.add(r, 'a.csv');
      assert.deepEqual(normalize(inc.result()), normalize(acc.finish()));
    };
    check(rows);
    assert.equal(only(inc.result().diagnostics, 'box.tooMany').length, 1);
    inc.remove(rows[2]);
    check(rows.slice(0, 2));
    assert.equal(only(inc.result().diagnostics, 'box.tooMany').length, 0);
    const bigger = item(2, 'gs://b/y.jpg', boxes(501));
    inc.replace(rows[1], bigger);
    check([rows[0], bigger]);
    assert.equal(only(inc.result().diagnostics, 'box.tooMany')[0].line, 2);
  });

  it('MultisetHistogram equals HistogramBuilder over the values it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 50 }), fc.array(fc.nat(), { maxLength: 20 }), (values, drops) => {
        const kept = values.slice();
        const h = new MultisetHistogram(TEXT_LENGTH_EDGES, () => kept);
        for (const v of values) h.add(v);
        for (const d of drops) {
          if (!kept.length) break;
          const [v] = kept.splice(d % kept.length, 1);
          h.delete(v);
        }
        const b = new HistogramBuilder(TEXT_LENGTH_EDGES);
        for (const v of kept) b.add(v);
        assert.deepEqual(h.toJSON(), b.toJSON());
      }),
    );
  });
});
