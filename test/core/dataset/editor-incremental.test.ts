// The editor's incremental path in plain Node: a document edited at random, its line cache kept in
// step (as src/extension/diagnostics.ts does), the incremental dataset fed the facts the cache
// dropped and added; after each sync its findings and statistics equal an accumulator's over all
// the cached facts (what the editor computed on every run before).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DatasetAccumulator, IncrementalDataset, type DatasetResult } from '../../../src/core/dataset';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { validateJsonlText } from '../../../src/core/jsonl/validate';
import { DatasetSync } from '../../../src/extension/datasetSync';
import { LineCache } from '../../../src/extension/lineCache';

const FORMAT: FormatId = 'image-classification-multi-label';

const lineArb = fc.oneof(
  { weight: 8, arbitrary: fc.record({ uri: fc.integer({ min: 0, max: 6 }), labels: fc.uniqueArray(fc.constantFrom('cat', 'dog', 'eel'), { maxLength: 2 }), split: fc.constantFrom('', 'training', 'validation', 'test') }) },
  { weight: 1, arbitrary: fc.constant(null) },
).map((x) => {
  if (!x) return '';
  const o: Record<string, unknown> = { imageGcsUri: `gs://b/${x.uri}.jpg`, classificationAnnotations: x.labels.map((displayName) => ({ displayName })) };
  if (x.split) o.dataItemResourceLabels = { 'aiplatform.googleapis.com/ml_use': x.split };
  return JSON.stringify(o);
});

function normalize(r: DatasetResult): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'mean' && typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
}

function validate(text: string): { facts: ItemFacts[]; diagnostics: ReturnType<typeof validateJsonlText>['diagnostics'] } {
  const facts: ItemFacts[] = [];
  const r = validateJsonlText(text, { format: FORMAT, onItem: (f) => facts.push(f) });
  return { facts, diagnostics: r.diagnostics };
}

describe('incremental dataset in the editor path (line cache + edits)', () => {
  it('after random edits, the synced dataset equals a full run over the document', () => {
    // `build`: items the slice-wise build of the dataset adds after the edit (it starts over on full runs).
    const edit = fc.record({ at: fc.nat(), span: fc.integer({ min: 0, max: 3 }), lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }), sync: fc.boolean(), build: fc.integer({ min: 0, max: 6 }) });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 25 }), fc.array(edit, { maxLength: 12 }), (initial, edits) => {
        let doc = initial.slice();
        let cache: LineCache;
        let data: DatasetSync;
        /** The whole text is not JSON Lines: the editor keeps no cache and runs in full until that changes. */
        let cacheless = false;
        // A full run, as the editor makes when the changed lines cannot be judged alone: new cache, dataset built from all facts.
        const rebuild = () => {
          const first = validate(doc.join('\n'));
          cacheless = first.diagnostics.some((d) => d.code === 'jsonl.notJsonl');
          cache = new LineCache(FORMAT, 0, doc.length, first.diagnostics, first.facts, doc.join('\n'));
          data = new DatasetSync(cache, FORMAT, false);
        };
        rebuild();
        const sync = () => {
          const got = data.result();
          // What the editor computed before: an accumulator over every cached item's facts.
          const full = new DatasetAccumulator(FORMAT, { csv: false });
          for (const f of cache.itemFacts()) full.add(f);
          assert.deepEqual(normalize(got), normalize(full.finish()));
        };
        for (const e of edits) {
          const start = e.at % doc.length;
          const end = Math.min(doc.length - 1, start + e.span);
          doc = [...doc.slice(0, start), ...e.lines, ...doc.slice(end + 1)];
          if (cacheless) {
            rebuild();
            data!.step(e.build);
            if (e.sync) sync();
            continue;
          }
          assert.ok(cache!.applyEdit({ startLine: start, endLine: end, insertedBreaks: e.lines.length - 1 }));
          for (const [a, b] of cache!.dirtyRanges()) {
            const r = validate(doc.slice(a, b + 1).join('\n'));
            if (r.diagnostics.some((d) => d.code === 'jsonl.notJsonl' || d.code === 'report.truncated')) {
              rebuild();
              break;
            }
            for (const f of r.facts) {
              f.line += a;
              f.anchor.line += a;
              f.anchor.endLine += a;
            }
            for (const d of r.diagnostics) ((d.line += a), (d.endLine += a));
            cache!.update(a, b, r.diagnostics, r.facts, (i) => doc[i].trim() !== '');
          }
          data!.step(e.build);
          if (e.sync) sync();
        }
        sync();
        data!.step(Infinity);
        assert.ok(data!.ready);
        sync();
      }),
      { numRuns: 300 },
    );
  });

  it('typing many lines at one spot runs out of room between places and renumbers', () => {
    const doc = [JSON.stringify({ imageGcsUri: 'gs://b/a.jpg', classificationAnnotations: [{ displayName: 'cat' }] }), JSON.stringify({ imageGcsUri: 'gs://b/z.jpg', classificationAnnotations: [{ displayName: 'dog' }] })];
    const first = validate(doc.join('\n'));
    const cache = new LineCache(FORMAT, 0, doc.length, first.diagnostics, first.facts, doc.join('\n'));
    const engine = new IncrementalDataset(FORMAT);
    for (const f of cache.itemFacts()) engine.add(f, f.line);
    cache.resetChanges();
    let renumbered = 0;
    for (let i = 0; i < 150; i++) {
      // Enter at the end of the previous inserted line and type a new one: both lines are new
      // facts, squeezed between the line before them and the last line (kept).
      const at = doc.length - 2;
      doc.splice(at + 1, 0, JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotations: [{ displayName: i % 2 ? 'cat' : 'dog' }] }));
      cache.applyEdit({ startLine: at, endLine: at, insertedBreaks: 1 });
      for (const [a, b] of cache.dirtyRanges()) {
        const r = validate(doc.slice(a, b + 1).join('\n'));
        for (const f of r.facts) ((f.line += a), (f.anchor.line += a), (f.anchor.endLine += a));
        cache.update(a, b, [], r.facts, (j) => doc[j].trim() !== '');
      }
      const changes = cache.takeChanges((f) => engine.orderOf(f));
      for (const f of changes.removed) engine.remove(f);
      if (changes.renumber) (engine.reorder((f) => f.line), renumbered++);
      for (const { item, order } of changes.added) engine.add(item, order);
    }
    assert.ok(renumbered > 0, 'the gaps ran out at least once');
    const full = new DatasetAccumulator(FORMAT);
    for (const f of validate(doc.join('\n')).facts) full.add(f);
    assert.deepEqual(normalize(engine.result()), normalize(full.finish()));
  });
});
