import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DatasetAccumulator, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset';
import { JSONL_FORMAT_IDS, type JsonlFormatId } from '../../../src/core/formats';
import type { Range } from '../../../src/core/diagnostics';
import type { ItemFacts } from '../../../src/core/items';
import { JsonlLineValidator, validateJsonlFile } from '../../../src/core/jsonl/validate';
import { FileAnchorSource } from '../../../src/core/jsonl/lazyAnchors';

// Deferred anchors (`lazyAnchors`): the accumulator keeps only line numbers per URI and re-reads
// the lines its findings sit on. Everything it reports must equal what eager anchors give.

const URIS = ['gs://bkt/a.jpg', 'gs://bkt/a.jpgx', 'gs://bkt/é €.png', 'gs://bkt/imageGcsUri', 'gs://bkt/q.jpg', 'gs://ckt/a.jpg'];
const LABELS = ['cat', 'dog', 'x"y'];
const SPLITS = [undefined, 'training', 'validation', 'test'] as const;

type Line =
  | { kind: 'item'; uri: number; label: number; split: number; style: number; boxes: number }
  | { kind: 'blank' }
  | { kind: 'syntax' }
  | { kind: 'binary' }
  | { kind: 'noUri'; label: number };

const lineArb: fc.Arbitrary<Line> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('item' as const), uri: fc.nat(URIS.length - 1), label: fc.nat(LABELS.length - 1), split: fc.nat(3), style: fc.nat(4), boxes: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'syntax' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'binary' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noUri' as const), label: fc.nat(LABELS.length - 1) }) },
);

function lineText(l: Line, detection: boolean): Buffer {
  switch (l.kind) {
    case 'blank':
      return Buffer.from('   ');
    case 'syntax':
      return Buffer.from('{"imageGcsUri": "gs://bkt/a.jpg", ');
    case 'binary':
      return Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);
    case 'noUri':
      return Buffer.from(JSON.stringify(detection ? { boundingBoxAnnotations: [{ displayName: LABELS[l.label], xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] } : { classificationAnnotation: { displayName: LABELS[l.label] } }));
  }
  const uri = URIS[l.uri];
  const split = SPLITS[l.split];
  const labels = split ? { dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split } } : {};
  const annotation = detection
    ? { boundingBoxAnnotations: Array.from({ length: l.boxes + 1 }, (_, i) => ({ displayName: LABELS[(l.label + i) % LABELS.length], xMin: 0.1 * i, yMin: 0.1, xMax: 0.1 * i + 0.3, yMax: 0.5 })) }
    : { classificationAnnotation: { displayName: LABELS[l.label] } };
  switch (l.style) {
    case 0:
      return Buffer.from(JSON.stringify({ imageGcsUri: uri, ...annotation, ...labels }));
    case 1:
      return Buffer.from(JSON.stringify({ ...annotation, ...labels, imageGcsUri: uri }, null, 1).replace(/\n/g, ' '));
    case 2:
      // Escaped slashes: the URI is not written as-is, so the anchor is the whole line.
      return Buffer.from(JSON.stringify({ imageGcsUri: uri, ...annotation, ...labels }).replace(/\//g, '\\/'));
    case 3:
      // A \u escape: found through JSON.stringify's spelling only when it matches.
      return Buffer.from(JSON.stringify({ ...labels, imageGcsUri: uri, ...annotation }).replace(/a\.jpg/, '\\u0061.jpg'));
    default:
      return Buffer.from(`{ "imageGcsUri" :  ${JSON.stringify(uri)} , ${JSON.stringify(annotation).slice(1)}`.replace(/}$/, labels ? `${split ? `, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "${split}"}` : ''}}` : '}'));
  }
}

interface FileSpec {
  lines: Line[];
  crlf: boolean[];
  bom: boolean;
  finalNewline: boolean;
}

const fileArb: fc.Arbitrary<FileSpec> = fc.array(lineArb, { minLength: 1, maxLength: 30 }).chain((lines) =>
  fc.record({
    lines: fc.constant(lines),
    crlf: fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  }),
);

function fileBytes(spec: FileSpec, detection: boolean): Buffer {
  const parts: Buffer[] = [];
  if (spec.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  spec.lines.forEach((l, i) => {
    parts.push(lineText(l, detection));
    if (i < spec.lines.length - 1 || spec.finalNewline) parts.push(Buffer.from(spec.crlf[i] ? '\r\n' : '\n'));
  });
  return Buffer.concat(parts);
}

async function run(format: JsonlFormatId, paths: string[], lazy: boolean, options: DatasetOptions): Promise<DatasetResult> {
  const acc = new DatasetAccumulator(format, options);
  for (const path of paths) {
    acc.addFile(path);
    await validateJsonlFile(path, { format, lazyAnchors: lazy, onItem: (f) => acc.add(f, path) });
  }
  return acc.finish();
}

describe('deferred anchors (lazyAnchors)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-anchors-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the accumulator reports exactly what eager anchors give (random files, duplicates across files, CRLF, BOM, escapes, undecodable lines)', async () => {
    let n = 0;
    let withDuplicates = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fileArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.record({ maxRelated: fc.integer({ min: 0, max: 3 }), maxPerCode: fc.integer({ min: 1, max: 4 }), strict: fc.boolean() }),
        async (files, detection, options) => {
          const format: JsonlFormatId = detection ? 'image-bounding-box' : 'image-classification-single-label';
          const paths = files.map((spec, i) => {
            const path = join(dir, `f${n}-${i}.jsonl`);
            writeFileSync(path, fileBytes(spec, detection));
            return path;
          });
          n++;
          const eager = await run(format, paths, false, options);
          const lazy = await run(format, paths, true, options);
          assert.deepEqual(lazy, eager);
          if (eager.diagnostics.some((d) => d.code.startsWith('duplicate.'))) withDuplicates++;
        },
      ),
      { numRuns: 150 },
    );
    assert.ok(withDuplicates > 30, `duplicates found in ${withDuplicates} of 150 runs`);
  });

  it('a URI over the per-image box limit sits on its first line, columns found again', async () => {
    const path = join(dir, 'crowded.jsonl');
    const line = (i: number) =>
      JSON.stringify({
        imageGcsUri: 'gs://bkt/crowded.jpg',
        boundingBoxAnnotations: Array.from({ length: 200 }, (_, k) => ({ displayName: 'cat', xMin: 0.1, yMin: 0.1, xMax: 0.2 + (i * 200 + k) / 1e5, yMax: 0.5 })),
      });
    writeFileSync(path, `${JSON.stringify({ imageGcsUri: 'gs://bkt/other.jpg', boundingBoxAnnotations: [{ displayName: 'cat', xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] })}\n${line(0)}\n${line(1)}\n${line(2)}\n`);
    const eager = await run('image-bounding-box', [path], false, {});
    const lazy = await run('image-bounding-box', [path], true, {});
    const crowded = lazy.diagnostics.find((d) => d.code === 'box.tooMany');
    assert.ok(crowded, 'box.tooMany reported');
    assert.deepEqual([crowded.line, crowded.column, crowded.endColumn], [2, 16, 16 + '"gs://bkt/crowded.jpg"'.length]);
    assert.deepEqual(lazy, eager);
  });

  it('re-reading finds every line of a file whatever the read size (lines across reads, CRLF, BOM, a last line without newline)', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.integer({ min: 1, max: 64 }), async (spec, chunk) => {
        const path = join(dir, 'reread.jsonl');
        writeFileSync(path, fileBytes(spec, false));
        const eager = new Map<number, Range>();
        let source: FileAnchorSource | undefined;
        await validateJsonlFile(path, { format: 'image-classification-single-label', onItem: (f) => eager.set(f.line, f.anchor) });
        await validateJsonlFile(path, {
          format: 'image-classification-single-label',
          lazyAnchors: true,
          onItem: (f: ItemFacts) => {
            source = f.deferred as FileAnchorSource;
          },
        });
        if (!source) return;
        const lines = [...eager.keys(), spec.lines.length + 5];
        assert.deepEqual(source.resolve(lines, chunk), eager);
        const some = lines.filter((_, i) => i % 2 === 1);
        assert.deepEqual(source.resolve(some, chunk), new Map([...eager].filter(([l]) => some.includes(l))));
      }),
      { numRuns: 200 },
    );
  });

  it('an anchor read while the line is at hand equals the eager one, and can be moved like one', async () => {
    const path = join(dir, 'read.jsonl');
    writeFileSync(path, `{"classificationAnnotation":{"displayName":"cat"},"imageGcsUri":"gs://bkt/a.jpg"}\n\n{"imageGcsUri":"gs:\\/\\/bkt\\/a.jpg"}\n`);
    const eager: ItemFacts[] = [];
    const lazy: ItemFacts[] = [];
    await validateJsonlFile(path, { format: 'image-classification-single-label', onItem: (f) => eager.push(f) });
    await validateJsonlFile(path, { format: 'image-classification-single-label', lazyAnchors: true, onItem: (f) => lazy.push(f) });
    assert.deepEqual(
      lazy.map((f) => [f.line, f.anchor]),
      eager.map((f) => [f.line, f.anchor]),
    );
    assert.deepEqual(eager[0].anchor, { line: 1, column: 65, endLine: 1, endColumn: 81 });
    assert.deepEqual(eager[1].anchor, { line: 3, column: 1, endLine: 3, endColumn: 36 }, 'escaped URI: the whole line');
    lazy[0].anchor.line += 2;
    assert.equal(lazy[0].anchor.line, 3);
  });

  it('deferred facts added without a file path are anchored as eagerly made ones', async () => {
    const path = join(dir, 'pathless.jsonl');
    const a = JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', classificationAnnotation: { displayName: 'cat' } });
    const b = JSON.stringify({ classificationAnnotation: { displayName: 'dog' }, imageGcsUri: 'gs://bkt/a.jpg' });
    writeFileSync(path, `${b}\n${a}\n${b}\n${a}\n`);
    const results = [];
    for (const lazyAnchors of [false, true]) {
      const acc = new DatasetAccumulator('image-classification-single-label');
      await validateJsonlFile(path, { format: 'image-classification-single-label', lazyAnchors, onItem: (f) => acc.add(f) });
      results.push(acc.finish());
    }
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(
      results[1].diagnostics.filter((d) => d.code.startsWith('duplicate.')).map((d) => [d.line, d.column, d.related?.map((r) => [r.line, r.column, r.endColumn])]),
      [
        [2, 16, [[1, 65, 81]]],
        [3, 65, [[1, 65, 81]]],
        [4, 16, [[1, 65, 81]]],
      ],
    );
  });

  it('a file added without a path and one with a path: findings across them are anchored as with eager facts', async () => {
    const p = join(dir, 'p.jsonl');
    const q = join(dir, 'q.jsonl');
    const cat = (uri: string) => JSON.stringify({ classificationAnnotation: { displayName: 'cat' }, imageGcsUri: uri });
    const dog = (uri: string) => JSON.stringify({ imageGcsUri: uri, classificationAnnotation: { displayName: 'dog' } });
    writeFileSync(p, `${cat('gs://bkt/1.jpg')}\n${cat('gs://bkt/2.jpg')}\n`);
    writeFileSync(q, `${dog('gs://bkt/3.jpg')}\n${dog('gs://bkt/2.jpg')}\n${cat('gs://bkt/1.jpg')}\n`);
    const results = [];
    for (const lazyAnchors of [false, true]) {
      const acc = new DatasetAccumulator('image-classification-single-label');
      acc.addFile();
      await validateJsonlFile(p, { format: 'image-classification-single-label', lazyAnchors, onItem: (f) => acc.add(f) });
      acc.addFile(q);
      await validateJsonlFile(q, { format: 'image-classification-single-label', lazyAnchors, onItem: (f) => acc.add(f, q) });
      results.push(acc.finish());
    }
    assert.deepEqual(results[1], results[0]);
    const dups = results[1].diagnostics.filter((d) => d.code.startsWith('duplicate.'));
    assert.deepEqual(
      dups.map((d) => [d.code, d.path, d.line, d.column, d.related?.map((r) => [r.path, r.line, r.column, r.endColumn])]),
      [
        ['duplicate.conflict', q, 2, 16, [[undefined, 2, 65, 81]]],
        ['duplicate.repeat', q, 3, 65, [[undefined, 1, 65, 81]]],
      ],
    );
  });

  it('the re-read takes the media URI the line checks take, in every format (it does not validate the line again)', () => {
    const keys = fc.constantFrom('imageGcsUri', 'textGcsUri', 'videoGcsUri', 'textContent', 'dataItemResourceLabels', 'uri', 'a');
    const leaf = fc.oneof(fc.constantFrom('gs://bkt/a.jpg', 'gs://bkt/b.txt', 'GS://bkt/c.mp4', 'gs:', 'gs//x', '', 'x'), fc.integer(), fc.constant(null));
    const validators = new Map([...JSONL_FORMAT_IDS, 'custom' as const].map((f) => [f, new JsonlLineValidator(f, f === 'custom' ? {} : undefined)]));
    fc.assert(
      fc.property(fc.constantFrom(...validators.keys()), fc.object({ key: keys, values: [leaf], maxDepth: 10 }), (format, obj) => {
        const validator = validators.get(format)!;
        let facts: ItemFacts | undefined;
        validator.validateLine(JSON.stringify(obj), 1, [], (f) => (facts = f));
        assert.equal(validator.mediaUriOf(obj), facts?.mediaUri);
      }),
      { numRuns: 2000 },
    );
  });

  it('a line that no longer holds an item when findings are made (the file changed) gets its first character', async () => {
    const path = join(dir, 'changed.jsonl');
    const a = JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', classificationAnnotation: { displayName: 'cat' } });
    const b = JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', classificationAnnotation: { displayName: 'dog' } });
    const other = JSON.stringify({ imageGcsUri: 'gs://bkt/other.jpg', classificationAnnotation: { displayName: 'cat' } });
    writeFileSync(path, `${other}\n${a}\n${b}\n`);
    const acc = new DatasetAccumulator('image-classification-single-label');
    acc.addFile(path);
    await validateJsonlFile(path, { format: 'image-classification-single-label', lazyAnchors: true, onItem: (f) => acc.add(f, path) });
    writeFileSync(path, '\n\n\n');
    const conflict = acc.finish().diagnostics.find((d) => d.code === 'duplicate.conflict');
    assert.ok(conflict);
    assert.deepEqual(conflict.related?.map((r) => [r.line, r.column, r.endLine, r.endColumn]), [[2, 1, 2, 2]]);
    assert.deepEqual([conflict.line, conflict.column, conflict.endColumn], [3, 1, 2]);
  });
});
