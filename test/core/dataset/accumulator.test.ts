import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DatasetAccumulator, DATASET_CODES, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset';
import type { FormatId, MlUse } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { box, cls, codes, item, only, sentiment, seg, span, tracked } from './helpers';

function run(format: FormatId, items: Iterable<ItemFacts>, options?: DatasetOptions, file?: string): DatasetResult {
  const acc = new DatasetAccumulator(format, options);
  for (const it of items) acc.add(it, file);
  return acc.finish();
}

/** `count` items of each label, one URI per item, lines numbered from `start`. */
function* labeled(counts: Record<string, number>, opts: { start?: number; ext?: string; mlUse?: (i: number) => MlUse | undefined } = {}): Generator<ItemFacts> {
  let line = opts.start ?? 1;
  for (const [label, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      yield item(line, `gs://b/${label}/${i}.${opts.ext ?? 'jpg'}`, [cls(label)], opts.mlUse?.(i));
      line++;
    }
  }
}

function* texts(n: number, labelOf: (i: number) => string, start = 1): Generator<ItemFacts> {
  for (let i = 0; i < n; i++) yield item(start + i, undefined, [cls(labelOf(i))], undefined, 20);
}

describe('dataset checks: item and label counts', () => {
  it('label.tooFewItems: image classification needs 10 images per label (9 warns, 10 passes)', () => {
    const r = run('image-classification-single-label', labeled({ cat: 10, dog: 9 }));
    const f = only(r.diagnostics, 'label.tooFewItems');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].line, 11, 'sits on the first line using the label');
    assert.match(f[0].message, /"dog" is on 9 images; .* at least 10 images per label \(DOC-IMG-CLS\)/);
    assert.equal(f[0].related?.length, 8, 'the other 8 lines are related locations');
    assert.deepEqual(f[0].related?.map((r) => r.line), [12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('label.tooFewItems counts distinct images, not boxes (object detection)', () => {
    const items: ItemFacts[] = [];
    for (let i = 0; i < 9; i++) items.push(item(i + 1, `gs://b/${i}.jpg`, [box('car', 0.1, 0.1, 0.5, 0.5), box('car', 0.5, 0.5, 0.9, 0.9)]));
    let r = run('image-bounding-box', items);
    assert.equal(only(r.diagnostics, 'label.tooFewItems').length, 1);
    assert.match(only(r.diagnostics, 'label.tooFewItems')[0].message, /on 9 images/);
    items.push(item(10, 'gs://b/9.jpg', [box('car', 0.1, 0.1, 0.5, 0.5)]));
    r = run('image-bounding-box', items);
    assert.equal(only(r.diagnostics, 'label.tooFewItems').length, 0);
    assert.equal(r.stats.labels[0].items, 10);
    assert.equal(r.stats.labels[0].annotations, 19);
  });

  it('strict turns training-only warnings into errors and leaves import errors alone', () => {
    const r = run('image-classification-single-label', labeled({ cat: 10, dog: 9 }), { strict: true });
    assert.equal(only(r.diagnostics, 'label.tooFewItems')[0].severity, 'error');
    for (const c of DATASET_CODES) if (!c.trainingOnly) assert.notEqual(c.code, 'label.tooFewItems');
  });

  it('related locations are capped; the message gives the full count', () => {
    const r = run('image-classification-single-label', labeled({ cat: 10, dog: 9 }), { maxRelated: 3 });
    const f = only(r.diagnostics, 'label.tooFewItems')[0];
    assert.equal(f.related?.length, 3);
    assert.match(f.message, /8 other lines use it \(the first 3 listed as related locations\)/);
  });

  it('text classification: 19 documents warn, 20 pass; 1 label warns, 2 pass', () => {
    let r = run('text-classification-single-label', texts(19, (i) => (i < 10 ? 'a' : 'b')));
    assert.deepEqual(codes(only(r.diagnostics, 'dataset.tooFewItems')), ['dataset.tooFewItems']);
    assert.match(only(r.diagnostics, 'dataset.tooFewItems')[0].message, /19 documents; .* at least 20/);
    assert.equal(only(r.diagnostics, 'dataset.tooFewItems')[0].line, 1);
    r = run('text-classification-single-label', texts(20, (i) => (i < 10 ? 'a' : 'b')));
    assert.deepEqual(r.diagnostics, []);
    r = run('text-classification-single-label', texts(20, () => 'a'));
    assert.deepEqual(codes(r.diagnostics), ['dataset.tooFewLabels']);
  });

  it('text classification: 5,000 labels pass, 5,001 are an error even without strict', () => {
    let r = run('text-classification-multi-label', texts(50_000, (i) => `l${i % 5000}`));
    assert.equal(only(r.diagnostics, 'dataset.tooManyLabels').length, 0);
    r = run('text-classification-multi-label', texts(50_010, (i) => `l${i % 5001}`));
    const f = only(r.diagnostics, 'dataset.tooManyLabels');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.match(f[0].message, /5,001 distinct labels; .* at most 5,000/);
  });

  it('text classification: 1,000,000 documents pass, 1,000,001 are an error', () => {
    const gen = function* (n: number) {
      const one = [cls('a')];
      const two = [cls('b')];
      for (let i = 0; i < n; i++) yield item(i + 1, undefined, i % 2 ? one : two);
    };
    let r = run('text-classification-single-label', gen(1_000_000));
    assert.equal(only(r.diagnostics, 'dataset.tooManyItems').length, 0);
    r = run('text-classification-single-label', gen(1_000_001));
    assert.match(only(r.diagnostics, 'dataset.tooManyItems')[0].message, /1,000,001 documents; a Text classification \(single-label\) dataset holds at most 1,000,000/);
  });

  it('entity extraction: 49/50 documents, 100/101 labels, 199/200 uses per label', () => {
    const doc = (i: number, labels: string[]) => item(i + 1, undefined, labels.map((l, k) => span(l, k * 10, k * 10 + 5)));
    const docs = (n: number, labelsOf: (i: number) => string[]) => Array.from({ length: n }, (_, i) => doc(i, labelsOf(i)));
    // 50 documents x 4 uses = 200 uses of "x": nothing to say.
    let r = run('text-extraction', docs(50, () => ['x', 'x', 'x', 'x']));
    assert.deepEqual(r.diagnostics, []);
    r = run('text-extraction', docs(49, () => ['x', 'x', 'x', 'x', 'x']));
    assert.deepEqual(codes(r.diagnostics), ['dataset.tooFewItems']);
    // 199 uses of "y": a recommendation, so strict keeps it a warning.
    r = run('text-extraction', docs(50, (i) => ['x', 'x', 'x', 'x', ...(i < 49 ? ['y', 'y', 'y', 'y'] : ['y', 'y', 'y'])]), { strict: true });
    const few = only(r.diagnostics, 'label.fewUses');
    assert.equal(few.length, 1);
    assert.equal(few[0].severity, 'warning');
    assert.match(few[0].message, /"y" is annotated 199 times; .* at least 200/);
    const many = (n: number) => docs(200, (i) => Array.from({ length: n }, (_, k) => `e${(i + k) % n}`));
    r = run('text-extraction', many(100));
    assert.equal(only(r.diagnostics, 'dataset.tooManyLabels').length, 0);
    r = run('text-extraction', many(101));
    assert.match(only(r.diagnostics, 'dataset.tooManyLabels')[0].message, /101 distinct labels; .* at most 100/);
  });

  it('object detection: 9/10 boxes overall, 150,000/150,001 images, 1,000/1,001 labels', () => {
    const od = (n: number, boxes: number, labels = 1) =>
      Array.from({ length: n }, (_, i) => item(i + 1, `gs://b/${i}.jpg`, Array.from({ length: boxes }, (_, k) => box(`l${(i + k) % labels}`, 0.1, 0.1, 0.5, 0.5))));
    let r = run('image-bounding-box', od(9, 1));
    assert.deepEqual(codes(r.diagnostics), ['dataset.tooFewAnnotations', 'label.tooFewItems']);
    r = run('image-bounding-box', od(10, 1));
    assert.deepEqual(r.diagnostics, []);
    r = run('image-bounding-box', od(150_000, 1));
    assert.equal(only(r.diagnostics, 'dataset.tooManyItems').length, 0);
    r = run('image-bounding-box', od(150_001, 1));
    assert.match(only(r.diagnostics, 'dataset.tooManyItems')[0].message, /150,001 images; an Image object detection \(bounding boxes\) dataset holds at most 150,000/);
    r = run('image-bounding-box', od(10_000, 1, 1000));
    assert.equal(only(r.diagnostics, 'dataset.tooManyLabels').length, 0);
    r = run('image-bounding-box', od(10_010, 1, 1001));
    assert.equal(only(r.diagnostics, 'dataset.tooManyLabels').length, 1);
  });

  it('object detection: 1,000,000 boxes per dataset pass, 1,000,001 are an error', () => {
    const gen = function* (n: number) {
      const full = Array.from({ length: 500 }, () => box('car', 0.1, 0.1, 0.5, 0.5));
      let i = 0;
      for (; (i + 1) * 500 <= n; i++) yield item(i + 1, `gs://b/${i}.jpg`, full);
      if (n % 500) yield item(i + 1, `gs://b/${i}.jpg`, full.slice(0, n % 500));
    };
    let r = run('image-bounding-box', gen(1_000_000));
    assert.equal(only(r.diagnostics, 'dataset.tooManyBoxes').length, 0);
    assert.equal(r.stats.boxes?.count, 1_000_000);
    r = run('image-bounding-box', gen(1_000_001));
    assert.match(only(r.diagnostics, 'dataset.tooManyBoxes')[0].message, /1,000,001 bounding boxes; .* at most 1,000,000/);
  });
});

describe('dataset checks: imbalance', () => {
  it('label.imbalance: a 100x ratio passes, 101x warns on the rare label', () => {
    let r = run('image-classification-multi-label', labeled({ common: 1000, rare: 10 }));
    assert.equal(only(r.diagnostics, 'label.imbalance').length, 0);
    assert.equal(r.stats.imbalanceRatio, 100);
    r = run('image-classification-multi-label', labeled({ common: 1010, rare: 10 }));
    const f = only(r.diagnostics, 'label.imbalance');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 1011, 'first line of the rare label');
    assert.equal(f[0].related?.[0].line, 1, 'related: first line of the most frequent label');
    assert.match(f[0].message, /"rare" is on 10 images and "common" on 1,010: 101× more; .* at most 100×/);
    assert.equal(r.stats.imbalanceRatio, 101);
  });
});

describe('dataset checks: duplicates', () => {
  it('JSONL: an identical repeat warns once and is not counted twice', () => {
    const r = run('image-classification-single-label', [item(1, 'gs://b/a.jpg', [cls('x')]), item(2, 'gs://b/b.jpg', [cls('x')]), item(3, 'gs://b/a.jpg', [cls('x')])], {}, 'data.jsonl');
    const f = only(r.diagnostics, 'duplicate.repeat');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 3);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].related?.[0].line, 1);
    assert.equal(f[0].path, 'data.jsonl');
    assert.equal(r.stats.items, 2);
    assert.equal(r.stats.labels[0].items, 2);
    assert.deepEqual(r.stats.duplicates, { repeats: 1, conflicts: 0, annotationsSplit: 0 });
  });

  it('JSONL: the same URI with another label or another ml_use is an error', () => {
    const r = run('image-classification-single-label', [
      item(1, 'gs://b/a.jpg', [cls('x')], 'training'),
      item(2, 'gs://b/a.jpg', [cls('y')], 'training'),
      item(3, 'gs://b/a.jpg', [cls('x')], 'test'),
    ]);
    const f = only(r.diagnostics, 'duplicate.conflict');
    assert.deepEqual(f.map((d) => [d.line, d.severity, d.data?.field]), [
      [2, 'error', 'annotations'],
      [3, 'error', 'mlUse'],
    ]);
    assert.match(f[1].message, /already on line 1 with ml_use training, here test/);
  });

  it('CSV: rows of one image merge; an identical row warns; another label on a single-label image is an error', () => {
    let r = run('image-bounding-box', [
      item(1, 'gs://b/a.jpg', [box('x', 0.1, 0.1, 0.5, 0.5)]),
      item(2, 'gs://b/a.jpg', [box('x', 0.5, 0.5, 0.9, 0.9)]),
      item(3, 'gs://b/a.jpg', [box('y', 0.2, 0.2, 0.6, 0.6)]),
      item(4, 'gs://b/a.jpg', [box('x', 0.1, 0.1, 0.5, 0.5)]),
    ], {}, 'boxes.csv');
    assert.deepEqual(codes(only(r.diagnostics, 'duplicate.repeat')), ['duplicate.repeat']);
    assert.equal(only(r.diagnostics, 'duplicate.repeat')[0].line, 4);
    assert.equal(only(r.diagnostics, 'duplicate.conflict').length, 0);
    assert.equal(r.stats.items, 1);
    assert.equal(r.stats.boxes?.count, 3);
    r = run('image-classification-single-label', [item(1, 'gs://b/a.jpg', [cls('x')]), item(2, 'gs://b/a.jpg', [cls('y')])], {}, 'labels.csv');
    assert.equal(only(r.diagnostics, 'duplicate.conflict')[0].line, 2);
    r = run('image-classification-multi-label', [item(1, 'gs://b/a.jpg', [cls('x')]), item(2, 'gs://b/a.jpg', [cls('y')])], {}, 'labels.csv');
    assert.equal(only(r.diagnostics, 'duplicate.conflict').length, 0, 'multi-label rows add labels');
    r = run('image-bounding-box', [item(1, 'gs://b/a.jpg', [box('x', 0.1, 0.1, 0.5, 0.5)], 'training'), item(2, 'gs://b/a.jpg', [box('x', 0.5, 0.5, 0.9, 0.9)], 'test')], {}, 'boxes.csv');
    assert.equal(only(r.diagnostics, 'duplicate.conflict')[0].data?.field, 'mlUse');
  });

  it('multi-file datasets: a duplicate across files points at the other file', () => {
    const acc = new DatasetAccumulator('image-classification-single-label');
    acc.add(item(1, 'gs://b/a.jpg', [cls('x')]), 'one.jsonl');
    acc.add(item(1, 'gs://b/a.jpg', [cls('y')]), 'two.jsonl');
    const { diagnostics, stats } = acc.finish();
    const f = only(diagnostics, 'duplicate.conflict')[0];
    assert.equal(f.path, 'two.jsonl');
    assert.equal(f.related?.[0].path, 'one.jsonl');
    assert.match(f.message, /already on one\.jsonl:1/);
    assert.deepEqual(stats.files, ['one.jsonl', 'two.jsonl']);
    assert.equal(stats.items, 1);
  });
});

describe('dataset checks: boxes', () => {
  it('box.tooMany: 500 boxes per image pass, 501 are an error on the image line', () => {
    const boxes = (n: number) => Array.from({ length: n }, () => box('car', 0.1, 0.1, 0.5, 0.5));
    let r = run('image-bounding-box', [item(1, 'gs://b/a.jpg', boxes(500)), ...Array.from({ length: 9 }, (_, i) => item(i + 2, `gs://b/${i}.jpg`, boxes(1)))]);
    assert.deepEqual(r.diagnostics, []);
    r = run('image-bounding-box', [item(1, 'gs://b/a.jpg', boxes(501)), ...Array.from({ length: 9 }, (_, i) => item(i + 2, `gs://b/${i}.jpg`, boxes(1)))]);
    const f = only(r.diagnostics, 'box.tooMany');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 1);
    assert.match(f[0].message, /501 bounding boxes; .* at most 500 per image/);
  });

  it('box.tooSmall: edges of 0.01 pass, 0.0099 are an error', () => {
    const r = run('image-bounding-box', [
      item(1, 'gs://b/a.jpg', [box('x', 0.2, 0.2, 0.21, 0.21)]),
      item(2, 'gs://b/b.jpg', [box('x', 0.2, 0.2, 0.2099, 0.5)]),
      item(3, 'gs://b/c.jpg', [box('x', 0.2, 0.2, 0.5, 0.2099)]),
    ]);
    assert.deepEqual(only(r.diagnostics, 'box.tooSmall').map((d) => d.line), [2, 3]);
  });

  it('box.tooSmallPx needs the image size: 8 px pass, 7.96 px are an error; large images are scaled to 1024', () => {
    const media = new Map([
      ['gs://b/small.jpg', { width: 1000, height: 400 }],
      ['gs://b/big.jpg', { width: 4096, height: 2048 }],
    ]);
    const items = [
      item(1, 'gs://b/small.jpg', [box('x', 0.1, 0.1, 0.5, 0.12)]), // 400 x 8 px
      item(2, 'gs://b/small.jpg', [box('x', 0.1, 0.1, 0.5, 0.1199)]), // 7.96 px high
      item(3, 'gs://b/big.jpg', [box('x', 0.1, 0.1, 0.2, 0.11)]), // 0.01 of 2048 scaled to 1024: 10.24 px
      item(4, 'gs://b/unknown.jpg', [box('x', 0.1, 0.1, 0.5, 0.115)]),
    ];
    let r = run('image-bounding-box', items, { media }, 'b.csv');
    const f = only(r.diagnostics, 'box.tooSmallPx');
    assert.deepEqual(f.map((d) => d.line), [2]);
    assert.match(f[0].message, /400 × 7\.96 px in the 1000×400 image; Vertex drops boxes smaller than 8×8 px/);
    r = run('image-bounding-box', items, {}, 'b.csv');
    assert.equal(only(r.diagnostics, 'box.tooSmallPx').length, 0, 'no sizes, no pixel check');
  });
});

describe('dataset checks: video', () => {
  const media = new Map([
    ['gs://b/v.mp4', { duration: 10 }],
    ['gs://b/long.mp4', { duration: 10_801 }],
    ['gs://b/max.mp4', { duration: 10_800 }],
  ]);

  it('video.segmentOutside: ending at the duration passes, after it is an error', () => {
    const r = run('video-classification', [
      item(1, 'gs://b/v.mp4', [seg('a', 0, 10), seg('b', 0, Infinity)]),
      item(2, 'gs://b/w.mp4', [seg('a', 0, 99)]),
      item(3, 'gs://b/v.mp4', [seg('b', 9, 10.001)]),
    ], { media }, 'v.csv');
    const f = only(r.diagnostics, 'video.segmentOutside');
    assert.deepEqual(f.map((d) => d.line), [3]);
    assert.match(f[0].message, /ends after the video \(10 s long/);
  });

  it('video.tooLong: 3 h pass, 10,801 s are an error', () => {
    const r = run('video-action-recognition', [item(1, 'gs://b/max.mp4', [seg('a', 1, 1)]), item(2, 'gs://b/long.mp4', [seg('a', 1, 1)])], { media });
    assert.deepEqual(only(r.diagnostics, 'video.tooLong').map((d) => d.line), [2]);
  });

  it('video.overlap: touching segments pass, overlapping ones of one label warn', () => {
    const r = run('video-classification', [
      item(1, 'gs://b/v.mp4', [seg('a', 0, 5), seg('a', 5, 10), seg('b', 4, 6)]),
      item(2, 'gs://b/w.mp4', [seg('a', 0, 5)]),
      item(3, 'gs://b/w.mp4', [seg('a', 4.9, 8)]),
    ], {}, 'v.csv');
    const f = only(r.diagnostics, 'video.overlap');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 3);
    assert.equal(f[0].related?.[0].line, 2);
    assert.match(f[0].message, /4\.9s–8s overlaps 0s–5s/);
  });

  it('video.overlap: each video\'s segments are checked together when CSV rows of several videos interleave', () => {
    const r = run('video-classification', [
      item(1, 'gs://b/v2.mp4', [seg('a', 0, 5)]),
      item(2, 'gs://b/v1.mp4', [seg('a', 0, 5), seg('b', 1, 2)]),
      item(3, 'gs://b/v1.mp4', [seg('a', 4, 6), seg('b', 1.5, 3)]),
      item(4, 'gs://b/v2.mp4', [seg('a', 3, 4)]),
      item(5, 'gs://b/v3.mp4', [seg('a', 0, 1)]),
      item(6, 'gs://b/v2.mp4', [seg('a', 4.5, 7)]),
    ], {}, 'v.csv');
    assert.deepEqual(
      only(r.diagnostics, 'video.overlap').map((d) => [d.line, d.related?.[0].line]),
      [[3, 2], [3, 2], [4, 1], [6, 1]],
    );
  });

  it('video.overlap: identical key frames of one label overlap, distinct ones do not', () => {
    const r = run('video-action-recognition', [item(1, 'gs://b/v.mp4', [seg('jump', 3, 3), seg('jump', 4, 4), seg('jump', 4, 4)])]);
    assert.equal(only(r.diagnostics, 'video.overlap').length, 1);
  });

  it('video classification needs 2 classes; video allows 1,000 labels', () => {
    let r = run('video-classification', [item(1, 'gs://b/v.mp4', [seg('a', 0, 1)])]);
    assert.deepEqual(codes(r.diagnostics), ['dataset.tooFewLabels']);
    const many = (n: number) => [item(1, 'gs://b/v.mp4', Array.from({ length: n }, (_, i) => seg(`l${i}`, 0, 1)))];
    r = run('video-classification', many(1000));
    assert.deepEqual(r.diagnostics, []);
    r = run('video-classification', many(1001));
    assert.deepEqual(codes(r.diagnostics), ['dataset.tooManyLabels']);
  });

  it('tracking: a box repeating an instance\'s frame is found however many frames the instance has (-0 and 0 are one time)', () => {
    const frames = Array.from({ length: 40 }, (_, t) => tracked('car', t, '7'));
    const r = run('video-object-tracking', [
      item(1, 'gs://b/v.mp4', frames),
      item(2, 'gs://b/v.mp4', [tracked('car', 3, '7'), tracked('car', 39, '7'), tracked('car', 40, '7'), tracked('car', -0, '7'), tracked('car', 40, '8')]),
      item(3, 'gs://b/w.mp4', [tracked('car', 3, '7'), tracked('car', 3, '9'), tracked('car', 3, '7')]),
    ], {}, 't.csv');
    const repeated = only(r.diagnostics, 'tracking.instanceRepeated');
    assert.deepEqual(repeated.map((d) => d.line), [2, 2, 2, 3]);
    assert.equal(r.stats.tracking?.instances, 4);
  });

  it('tracking: one label per instance; one box per instance and frame', () => {
    const r = run('video-object-tracking', [
      item(1, 'gs://b/v.mp4', [tracked('car', 1, '7'), tracked('car', 2, '7'), tracked('person', 1, '8')]),
      item(2, 'gs://b/v.mp4', [tracked('truck', 3, '7')]),
      item(3, 'gs://b/w.mp4', [tracked('truck', 1, '7'), tracked('truck', 1, '-1'), tracked('truck', 1, '-1')]),
      item(4, 'gs://b/w.mp4', [tracked('truck', 1, '7')]),
      item(5, 'gs://b/w.mp4', [tracked('truck', 1, '7')]),
    ], { media: new Map([['gs://b/w.mp4', { duration: 0.5 }]]) }, 't.csv');
    const f = only(r.diagnostics, 'tracking.instanceInconsistent');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 2);
    assert.equal(f[0].related?.[0].line, 1);
    assert.deepEqual(only(r.diagnostics, 'duplicate.repeat').map((d) => d.line), [5], 'an identical CSV row is a repeat');
    assert.deepEqual(only(r.diagnostics, 'tracking.instanceRepeated').map((d) => d.line), [4], 'instance 7 twice at 1 s; "-1" means no instance');
    assert.equal(only(r.diagnostics, 'video.segmentOutside').length, 4, 'boxes at 1 s in a 0.5 s video');
    assert.deepEqual(r.stats.tracking, { boxes: 8, frames: 4, instances: 3 });
  });

  it('tracking: 150,000 labeled frames pass, 150,001 are an error', () => {
    const gen = (n: number) => Array.from({ length: Math.ceil(n / 1000) }, (_, v) => item(v + 1, `gs://b/${v}.mp4`, Array.from({ length: Math.min(1000, n - v * 1000) }, (_, k) => tracked('car', k / 10))));
    let r = run('video-object-tracking', gen(150_000));
    assert.deepEqual(r.diagnostics, []);
    r = run('video-object-tracking', gen(150_001));
    assert.match(only(r.diagnostics, 'dataset.tooManyFrames')[0].message, /150,001 labeled frames; .* at most 150,000/);
  });
});

describe('dataset checks: splits', () => {
  const split = (i: number): MlUse => (i % 10 < 8 ? 'training' : i % 10 === 8 ? 'validation' : 'test');

  it('an 80/10/10 split with every label everywhere is quiet', () => {
    const r = run('image-classification-single-label', labeled({ a: 20, b: 20 }, { mlUse: split }));
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.stats.splits, { training: 32, validation: 4, test: 4, unassigned: 0 });
    assert.deepEqual(r.stats.labels.find((l) => l.name === 'a')?.splits, { training: 16, validation: 2, test: 2, unassigned: 0 });
  });

  it('split.empty: with ml_use, an empty split warns (error with strict)', () => {
    const items = [...labeled({ a: 20, b: 20 }, { mlUse: (i) => (i < 18 ? 'training' : i < 19 ? 'validation' : undefined) })];
    const empty = only(run('image-classification-single-label', items).diagnostics, 'split.empty');
    assert.equal(empty.length, 1);
    assert.match(empty[0].message, /none in test/);
    assert.equal(empty[0].line, 1);
    assert.equal(empty[0].severity, 'warning');
    assert.equal(only(run('image-classification-single-label', items, { strict: true }).diagnostics, 'split.empty')[0].severity, 'error');
  });

  it('split.empty counts items in the singular for one item', () => {
    const items = [...labeled({ a: 20 }, { mlUse: (i) => (i === 0 ? 'training' : undefined) })];
    const messages = only(run('image-classification-single-label', items).diagnostics, 'split.empty').map((d) => d.message);
    assert.equal(messages.length, 2);
    for (const m of messages) assert.match(m, /^ml_use puts 1 item in splits but none in (validation|test);/);
  });

  it('split.missingLabel: a label absent from a non-empty split', () => {
    const items = [...labeled({ a: 20, b: 20 }, { mlUse: split })].map((it) => (it.line === 30 || it.line === 40 ? { ...it, mlUse: 'training' as const } : it));
    const missing = only(run('image-classification-single-label', items).diagnostics, 'split.missingLabel');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].line, 21, 'first line of label b');
    assert.match(missing[0].message, /"b" has no items in the test split/);
  });

  it('split.fractions: 10 points off the default pass, more is reported', () => {
    const withSplits = (tr: number, va: number, te: number) =>
      Array.from({ length: tr + va + te }, (_, i) => item(i + 1, `gs://b/${i}.jpg`, [cls(i % 2 ? 'a' : 'b')], i < tr ? 'training' : i < tr + va ? 'validation' : 'test'));
    let r = run('image-classification-single-label', withSplits(70, 20, 10));
    assert.equal(only(r.diagnostics, 'split.fractions').length, 0);
    r = run('image-classification-single-label', withSplits(69, 21, 10));
    const f = only(r.diagnostics, 'split.fractions');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /69\/21\/10 .* default 80\/10\/10/);
  });
});

describe('dataset checks: sentiment', () => {
  const docs = (counts: number[], max: number) => counts.flatMap((n, value) => Array.from({ length: n }, () => sentiment(value, max)));
  const make = (counts: number[], max: number) => docs(counts, max).map((a, i) => item(i + 1, undefined, [a]));

  it('10 documents per value pass, 9 warn; values must be consecutive from 0', () => {
    let r = run('text-sentiment', make([10, 10, 10], 2));
    assert.deepEqual(r.diagnostics, []);
    r = run('text-sentiment', make([10, 9, 10], 2));
    assert.deepEqual(codes(r.diagnostics), ['label.tooFewItems']);
    assert.match(r.diagnostics[0].message, /Sentiment value "1" is on 9 documents; .* at least 10 documents per sentiment value/);
    r = run('text-sentiment', make([10, 0, 10], 2));
    assert.deepEqual(codes(r.diagnostics), ['sentiment.notConsecutive']);
    assert.match(r.diagnostics[0].message, /value 1 is never used/);
    r = run('text-sentiment', make([10, 10, 0, 0], 3));
    assert.match(only(r.diagnostics, 'sentiment.notConsecutive')[0].message, /values 2 and 3 are never used; .* up to 3/);
  });

  it('sentiment.maxInconsistent sits on the first item with the odd sentimentMax', () => {
    const items = [...docs([10, 10], 1), sentiment(1, 4)].map((a, i) => item(i + 1, undefined, [a]));
    const f = only(run('text-sentiment', items).diagnostics, 'sentiment.maxInconsistent');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 21);
    assert.equal(f[0].related?.[0].line, 1);
  });

  it('text sentiment: 9 documents warn, 10 pass', () => {
    assert.deepEqual(codes(run('text-sentiment', make([9], 0)).diagnostics), ['dataset.tooFewItems', 'label.tooFewItems']);
    assert.deepEqual(codes(run('text-sentiment', make([10], 0)).diagnostics), []);
  });
});

describe('dataset statistics', () => {
  it('counts, histograms and plain JSON', () => {
    const r = run('image-bounding-box', [
      item(1, 'gs://b/a.jpg', [box('car', 0, 0, 0.5, 0.5), box('car', 0.5, 0.5, 0.6, 0.7)], 'training'),
      item(2, 'gs://b/b.jpg', [box('person', 0, 0, 1, 1)], 'test'),
      item(3, 'gs://b/c.jpg', []),
    ]);
    const s = r.stats;
    assert.equal(s.items, 3);
    assert.equal(s.labeledItems, 2);
    assert.equal(s.annotations, 3);
    assert.equal(s.imbalanceRatio, 1);
    assert.deepEqual(s.splits, { training: 1, validation: 0, test: 1, unassigned: 1 });
    assert.equal(s.boxes?.perImage.count, 3);
    assert.deepEqual(s.boxes?.perImage.buckets.slice(0, 3).map((b) => b.count), [1, 1, 1]);
    assert.equal(s.boxes?.width.max, 1);
    assert.equal(s.boxes?.width.buckets.at(-1)?.to, null);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'survives a JSON round trip');
  });

  it('text length and segment durations', () => {
    let r = run('text-classification-single-label', [item(1, undefined, [cls('a')], undefined, 5), item(2, undefined, [cls('b')], undefined, 120)]);
    assert.deepEqual([r.stats.textLength?.min, r.stats.textLength?.max, r.stats.textLength?.mean], [5, 120, 62.5]);
    r = run('video-classification', [item(1, 'gs://b/v.mp4', [seg('a', 0, 2), seg('b', 1, Infinity)])], { media: new Map([['gs://b/v.mp4', { duration: 11 }]]) });
    assert.deepEqual([r.stats.videoSegments?.count, r.stats.videoSegments?.duration.min, r.stats.videoSegments?.duration.max], [2, 2, 10]);
  });

  it('fromItems rebuilds the same result as streaming', () => {
    const a = [...labeled({ a: 12, b: 3 })];
    const b = [...labeled({ c: 5 }, { start: 1, ext: 'png' })];
    const acc = new DatasetAccumulator('image-classification-single-label');
    for (const it of a) acc.add(it, 'a.jsonl');
    for (const it of b) acc.add(it, 'b.jsonl');
    const streamed = acc.finish();
    const rebuilt = DatasetAccumulator.fromItems('image-classification-single-label', [{ path: 'a.jsonl', items: a }, { path: 'b.jsonl', items: b }]);
    assert.deepEqual(rebuilt, streamed);
    assert.deepEqual(only(streamed.diagnostics, 'label.tooFewItems').map((d) => [d.path, d.line]), [['a.jsonl', 13], ['b.jsonl', 1]]);
  });

  it('caps findings per code with a dataset.truncated note', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(i + 1, 'gs://b/a.jpg', [cls('x')]));
    const r = run('image-classification-multi-label', items, { maxPerCode: 5 });
    assert.equal(only(r.diagnostics, 'duplicate.repeat').length, 5);
    assert.match(only(r.diagnostics, 'dataset.truncated')[0].message, /24 more `duplicate.repeat` findings/);
  });
});

/** Runs `batches` of keys through `index` and checks each key's index and newness against a map. */
function indexMatchesModel(index: import('../../../src/core/dataset/uriIndex').UriIndex, batchSize: number, batches: string[][]): void {
  const model = new Map<string, number>();
  for (const batch of batches) {
    for (const k of batch.slice(0, batchSize)) index.push(k);
    index.run();
    batch.forEach((k, i) => {
      const known = model.get(k);
      const name = `${k.length} ${JSON.stringify(k.slice(0, 8))}`;
      assert.equal(index.added(i), known === undefined, name);
      if (known === undefined) model.set(k, model.size);
      assert.equal(index.key(i), model.get(k), name);
    });
  }
  assert.equal(index.size, model.size);
}

describe('URI index', () => {
  it('gives every distinct URI its own index and a repeated URI the same one (through growth)', async () => {
    const { UriIndex } = await import('../../../src/core/dataset/uriIndex');
    const index = new UriIndex();
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      assert.equal(index.lookup(`gs://bucket/images/${i}.jpg`), i);
      assert.equal(index.added(0), true);
    }
    for (let i = 0; i < n; i += 997) {
      assert.equal(index.lookup(`gs://bucket/images/${i}.jpg`), i);
      assert.equal(index.added(0), false);
    }
    assert.equal(index.size, n);
  });

  it('batches: keys in order, places without a key, repeats inside one batch, a URI and a text spelled alike', async () => {
    const { UriIndex, URI_BATCH, KeyKind } = await import('../../../src/core/dataset/uriIndex');
    const index = new UriIndex();
    const keys: (string | undefined)[] = [];
    for (let i = 0; i < URI_BATCH; i++) keys.push(i % 7 === 3 ? undefined : `k${i % 300}`);
    for (const k of keys) index.push(k);
    assert.equal(index.run(), URI_BATCH);
    const model = new Map<string, number>();
    keys.forEach((k, i) => {
      if (k === undefined) return assert.equal(index.key(i), -1);
      const known = model.get(k);
      assert.equal(index.added(i), known === undefined);
      if (known === undefined) model.set(k, model.size);
      assert.equal(index.key(i), model.get(k));
    });
    assert.throws(() => {
      for (let i = 0; i <= URI_BATCH; i++) index.push(`over${i}`);
    }, /at most 1024 keys per run/);
    index.run();
    assert.equal(index.lookup('k5', KeyKind.Text), model.size + URI_BATCH, 'the text "k5" is not the URI "k5"');
    assert.equal(index.lookup('k5', KeyKind.Uri), model.get('k5'));
    assert.equal(index.lookup('k5', KeyKind.Text), model.size + URI_BATCH);
  });

  it('compares every UTF-16 code unit: lone surrogates, non-ASCII, one unit changed anywhere, any length', async () => {
    const { UriIndex } = await import('../../../src/core/dataset/uriIndex');
    const index = new UriIndex();
    const seen = new Map<string, number>();
    const check = (k: string) => {
      const got = index.lookup(k);
      const known = seen.get(k);
      if (known === undefined) seen.set(k, got);
      assert.equal(got, known ?? seen.size - 1, JSON.stringify(k));
    };
    for (let len = 0; len <= 40; len++) {
      const base = 'x'.repeat(len);
      check(base);
      for (let at = 0; at < len; at++) for (const c of ['y', '\u00e9', '\ud800', '\udc00', '\u0000', '\uffff']) check(base.slice(0, at) + c + base.slice(at + 1));
    }
    check('a\ud83d\ude00');
    check('a\ud83d');
    // The same text built differently (sliced, concatenated) is the same key.
    const long = 'gs://bucket/' + 'p'.repeat(40) + '.jpg';
    check(long);
    check(('#' + long).slice(1));
    check(long.slice(0, 20) + long.slice(20));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 60 }), (ks) => ks.forEach(check)),
      { numRuns: 200 },
    );
    assert.equal(index.size, seen.size);
  });

  it('an ASCII key is the same key in an all-ASCII batch (one byte per character) and in a batch with other characters (code units)', async () => {
    const { UriIndex, URI_BATCH } = await import('../../../src/core/dataset/uriIndex');
    // Keys of every length around the hash's 8-, 16- and 32-byte steps, from a few characters, so
    // that they repeat across batches of both kinds.
    const keyArb = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', 'b', '\u00e9', '\ud800', '\u0100', '\u007f', '\u0080'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(keyArb, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 }), (batches) => {
        indexMatchesModel(new UriIndex(), URI_BATCH, batches);
      }),
      { numRuns: 300 },
    );
    // The same ASCII keys alone, then each beside a non-ASCII key, then alone again.
    const index = new UriIndex();
    const ascii = Array.from({ length: 70 }, (_, n) => 'k'.repeat(n) + '/' + n);
    ascii.forEach((k, i) => assert.equal(index.lookup(k), i));
    for (const k of ascii) {
      index.push('\u00e9');
      index.push(k);
      index.run();
      assert.equal(index.key(1), ascii.indexOf(k), k);
      assert.equal(index.added(1), false, k);
    }
    ascii.forEach((k, i) => assert.equal(index.lookup(k), i));
    assert.equal(index.size, ascii.length + 1);
  });

  it('long keys: batches written out in pieces, with the buffer growing mid-batch, give every key its index in order', async () => {
    const { UriIndex, URI_BATCH } = await import('../../../src/core/dataset/uriIndex');
    // Long keys (a batch spans several 32,768-character pieces) among short ones, some not ASCII:
    // few distinct values, so keys repeat within and across batches.
    const keyArb = fc.oneof(
      fc.tuple(fc.constantFrom('a', 'b', '\u00e9', '\ud800'), fc.integer({ min: 1, max: 40_000 }), fc.nat(3)).map(([c, n, k]) => c.repeat(n) + k),
      fc.tuple(fc.constantFrom('x', 'y'), fc.nat(5)).map(([c, k]) => c + k),
    );
    fc.assert(
      fc.property(fc.array(fc.array(keyArb, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 6 }), (batches) => {
        indexMatchesModel(new UriIndex(), URI_BATCH, batches);
      }),
      { numRuns: 60 },
    );
  });

  it('takes keys of any size (a batch of megabyte texts)', async () => {
    const { UriIndex, KeyKind } = await import('../../../src/core/dataset/uriIndex');
    const index = new UriIndex();
    const big = 'lorem ipsum '.repeat(100_000);
    for (let i = 0; i < 8; i++) index.push(big + i, KeyKind.Text);
    index.push(big + 3, KeyKind.Text);
    index.run();
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => index.key(i)), [0, 1, 2, 3, 4, 5, 6, 7, 3]);
    assert.equal(index.lookup(big + 7, KeyKind.Text), 7);
  });

  it('keys are the pair of hash halves: equal low bits, equal high bits or one equal half are still different keys (through growth)', async () => {
    const { UriIndex } = await import('../../../src/core/dataset/uriIndex');
    // Few distinct values per part, so slots, slot bits and single halves collide often.
    const hashArb = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 })).map(([hi, mid, b]) => [((hi << 30) | (mid << 13) | (mid & 1)) >>> 0, b] as const);
    fc.assert(
      fc.property(fc.array(hashArb, { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 40 }), (pairs, expected) => {
        const index = new UriIndex(expected);
        const model = new Map<string, number>();
        for (const [a, b] of pairs) {
          const key = `${a},${b}`;
          const [got] = index.lookupHashes([[a, b]]);
          const known = model.get(key);
          if (known === undefined) {
            assert.equal(got, model.size);
            model.set(key, got);
          } else assert.equal(got, known);
        }
        assert.equal(index.size, model.size);
      }),
      { numRuns: 300 },
    );
    // Growth: thousands of keys sharing their low 12 bits, in batches, then each looked up again.
    const index = new UriIndex();
    const pairs = Array.from({ length: 5000 }, (_, i) => [((i << 12) | 7) >>> 0, i & 3] as const);
    for (let i = 0; i < 5000; i += 1000) assert.deepEqual(index.lookupHashes(pairs.slice(i, i + 1000)), pairs.slice(i, i + 1000).map((_, j) => i + j));
    for (let i = 0; i < 5000; i += 1000) assert.deepEqual(index.lookupHashes(pairs.slice(i, i + 1000)), pairs.slice(i, i + 1000).map((_, j) => i + j));
    assert.deepEqual(index.lookupHashes([[7, 1]]), [5000], 'same low half as key 0, other high half');
  });

  it('a slot keeps part of the high half as a tag: equal tags, equal index bits and tags equal only after growth are still different keys', async () => {
    const { UriIndex } = await import('../../../src/core/dataset/uriIndex');
    // High halves that differ only above the slot bits (other tags), only below them (equal tags),
    // or in bits that move from under the mask into the tag as the table grows.
    const highs = [0, 1, 2, 0x1000, 0x1001, 0x80000000, 0x80000001, 0xfff00000, 0x7fffffff, 0xffffffff];
    const hashArb = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(...highs)).map(([slot, top, hi]) => [((top << 29) | slot) >>> 0, hi >>> 0] as const);
    fc.assert(
      fc.property(fc.array(hashArb, { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 3000 }), (pairs, expected) => {
        const index = new UriIndex(expected);
        const model = new Map<string, number>();
        for (let i = 0; i < pairs.length; i += 37) {
          const batch = pairs.slice(i, i + 37);
          const got = index.lookupHashes(batch);
          batch.forEach(([a, b], j) => {
            const key = `${a},${b}`;
            if (!model.has(key)) model.set(key, model.size);
            assert.equal(got[j], model.get(key), key);
          });
        }
        assert.equal(index.size, model.size);
      }),
      { numRuns: 300 },
    );
    // 20,000 keys through several doublings, each high half shared by 16 of them.
    const index = new UriIndex();
    const pairs = Array.from({ length: 20_000 }, (_, i) => [Math.imul(i, 0x9e3779b1) >>> 0, Math.imul(i >> 4, 0x85ebca6b) >>> 0] as const);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < pairs.length; i += 1000) assert.deepEqual(index.lookupHashes(pairs.slice(i, i + 1000)), pairs.slice(i, i + 1000).map((_, j) => i + j));
    }
    assert.equal(index.size, 20_000);
  });
});
