// Dataset checks on each side of documented thresholds that the first round of tests left out.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetAccumulator, IncrementalDataset, MultisetHistogram, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset';
import { BOX_AREA_EDGES, BOX_SIZE_EDGES, duplicatesText, HistogramBuilder } from '../../../src/core/dataset/stats';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { cli } from '../support/cli';
import { validateJsonlText } from '../../../src/core/jsonl/validate';
import { box, cls, item, only, sentiment, seg, span } from './helpers';

function run(format: FormatId, items: Iterable<ItemFacts>, options?: DatasetOptions, file?: string): DatasetResult {
  const acc = new DatasetAccumulator(format, options);
  for (const it of items) acc.add(it, file);
  return acc.finish();
}

/** Inline documents: `counts[label]` of each, one text per document, lines from 1. */
function* documents(counts: Record<string, number>): Generator<ItemFacts> {
  let line = 1;
  for (const [label, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      const it = item(line++, undefined, [cls(label)], undefined, 12);
      it.textContent = `${label} document ${i}`;
      yield it;
    }
  }
}

describe('dataset thresholds: text classification imbalance (DOC-TXT-CLS: at most 100x)', () => {
  for (const format of ['text-classification-single-label', 'text-classification-multi-label'] as const) {
    it(`${format}: 1,000 vs 10 documents pass, 1,001 vs 10 warn on the rare label (error with strict)`, () => {
      let r = run(format, documents({ common: 1000, rare: 10 }));
      assert.equal(only(r.diagnostics, 'label.imbalance').length, 0);
      r = run(format, documents({ common: 1001, rare: 10 }));
      const f = only(r.diagnostics, 'label.imbalance');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'warning');
      assert.equal(f[0].line, 1002, 'first line of the rare label');
      assert.match(f[0].message, /"rare" is on 10 documents and "common" on 1,001: 100\.1× more; keep the most\/least frequent ratio at most 100× \(DOC-TXT-CLS\)/);
      r = run(format, documents({ common: 1001, rare: 10 }), { strict: true });
      assert.equal(only(r.diagnostics, 'label.imbalance')[0].severity, 'error');
    });
  }
});

describe('dataset messages and stats with huge or look-alike labels', () => {
  it('a 5,000-character label is cut short in messages; data.label keeps it whole', () => {
    const long = 'x'.repeat(4998) + '😀';
    const r = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls(long)]), item(2, 'gs://b/2.jpg', [cls(long)])]);
    const f = only(r.diagnostics, 'label.tooFewItems');
    assert.equal(f.length, 1);
    assert.ok(f[0].message.length < 300, `message of ${f[0].message.length} characters`);
    assert.match(f[0].message, /^Label "x{79}…" \(4,999 characters\) is on 2 images;/);
    assert.equal(f[0].data?.label, long);
    assert.match(f[0].related?.[0].message ?? '', /^also uses "x{79}…" \(4,999 characters\)$/);
    // A label of exactly 80 characters is quoted whole; a surrogate pair is never cut in half.
    const r80 = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls('y'.repeat(80))])]);
    assert.match(only(r80.diagnostics, 'label.tooFewItems')[0].message, /^Label "y{80}" is on 1 image;/);
    const pair = 'z'.repeat(78) + '😀' + 'z';
    const rp = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls(pair)])]);
    assert.match(only(rp.diagnostics, 'label.tooFewItems')[0].message, /^Label "z{78}…" \(80 characters\)/);
  });
});

describe('stats text: label column', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-thresholds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a 5,000-character label is cut to 60 characters; "cat " is quoted so that it differs from "cat"', async () => {
    const lines = [
      { imageGcsUri: 'gs://pets/1.jpg', classificationAnnotation: { displayName: 'cat' } },
      { imageGcsUri: 'gs://pets/2.jpg', classificationAnnotation: { displayName: 'cat ' } },
      { imageGcsUri: 'gs://pets/3.jpg', classificationAnnotation: { displayName: 'x'.repeat(5000) } },
    ];
    const file = join(dir, 'labels.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await cli(['stats', file]);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.split('\n');
    assert.ok(Math.max(...rows.map((l) => l.length)) < 140, 'no row is widened by the long label');
    assert.ok(rows.some((l) => /^ {2}x{59}… +1 +1 +0 +0 +0 +1$/.test(l)), r.out);
    assert.ok(rows.some((l) => /^ {2}"cat " +1 /.test(l)), r.out);
    assert.ok(rows.some((l) => /^ {2}cat +1 /.test(l)), r.out);
    const json = JSON.parse((await cli(['stats', '--output', 'json', file])).out) as { datasets: { labels: { name: string }[] }[] };
    assert.ok(json.datasets[0].labels.some((l) => l.name === 'x'.repeat(5000)), 'JSON keeps the whole label');
  });
});

describe('box size histograms agree with the 1% check', () => {
  it('boxes written 0.01 wide (0.11 - 0.1 = 0.00999... in floating point) pass the check and count from 0.01; 0.0099 counts below', () => {
    const items = [
      item(1, 'gs://b/1.jpg', [box('car', 0.1, 0.1, 0.11, 0.11)]),
      item(2, 'gs://b/2.jpg', [box('car', 0.57, 0.57, 0.58, 0.58)]),
      item(3, 'gs://b/3.jpg', [box('car', 0.7, 0.7, 0.7099, 0.8)]),
    ];
    const r = run('image-bounding-box', items);
    assert.deepEqual(only(r.diagnostics, 'box.tooSmall').map((d) => d.line), [3], 'only the 0.0099 box is too small');
    const width = r.stats.boxes!.width.buckets;
    assert.deepEqual([width[0].from, width[0].count], [0, 1], 'one box below 0.01 wide');
    assert.deepEqual([width[1].from, width[1].count], [0.01, 2], 'two boxes from 0.01');
    const area = r.stats.boxes!.area.buckets;
    assert.deepEqual([area[0].count, area[1].from, area[1].count], [0, 0.0001, 3], '0.01 x 0.01 counts from 0.0001');
  });

  it('the editor\'s histogram buckets values like the streaming one', () => {
    const values = [0.11 - 0.1, 0.0099, 0.58 - 0.57, 0.01 * 0.01, 0.3 - 0.2, 0];
    for (const edges of [BOX_SIZE_EDGES, BOX_AREA_EDGES]) {
      const a = new HistogramBuilder(edges);
      const b = new MultisetHistogram(edges, () => values);
      for (const v of values) a.add(v), b.add(v);
      assert.deepEqual(b.toJSON().buckets, a.toJSON().buckets);
    }
    const a = new HistogramBuilder(BOX_SIZE_EDGES);
    a.add(0.11 - 0.1);
    assert.equal(a.toJSON().buckets[1].count, 1);
  });
});

describe('label.tooLong: a label (AnnotationSpec display name) is at most 128 characters (annotation_spec.proto)', () => {
  const at128 = 'a'.repeat(126) + '😀😀'; // 128 characters, 130 UTF-16 code units
  const at129 = 'b'.repeat(129);

  it('128 characters pass (counted in characters, not UTF-16 units); 129 are an error on the first line, strict or not', () => {
    const items = [
      item(1, 'gs://b/1.jpg', [cls(at128)]),
      item(2, 'gs://b/2.jpg', [cls(at129)]),
      item(3, 'gs://b/3.jpg', [cls(at129)]),
    ];
    const r = run('image-classification-single-label', items);
    const f = only(r.diagnostics, 'label.tooLong');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.equal(f[0].line, 2);
    assert.deepEqual(f[0].related?.map((x) => x.line), [3]);
    assert.match(f[0].message, /^Label "b{79}…" \(129 characters\) is longer than the 128 characters Vertex allows for a label/);
    assert.deepEqual(f[0].data, { label: at129, length: 129, threshold: 128, source: 'P-ANN (annotation_spec.proto: AnnotationSpec.display_name)' });
    assert.equal(only(run('image-classification-single-label', items, { strict: true }).diagnostics, 'label.tooLong')[0].severity, 'error');
  });

  it('applies to boxes and video labels; entity extraction keeps its own 2-30 check (label.length) and sentiment has no names', () => {
    assert.equal(only(run('image-bounding-box', [item(1, 'gs://b/1.jpg', [box(at129, 0.1, 0.1, 0.5, 0.5)])]).diagnostics, 'label.tooLong').length, 1);
    assert.equal(only(run('video-action-recognition', [item(1, 'gs://b/1.mp4', [seg(at129, 1, 2)])]).diagnostics, 'label.tooLong').length, 1);
    const ee = item(1, undefined, [span(at129, 0, 3)], undefined, 10);
    ee.textContent = 'some text';
    assert.equal(only(run('text-extraction', [ee]).diagnostics, 'label.tooLong').length, 0);
  });

  it('the editor\'s incremental dataset reports it the same way', () => {
    const items = [item(1, 'gs://b/1.jpg', [cls(at129)]), item(2, 'gs://b/2.jpg', [cls('ok')])];
    const inc = new IncrementalDataset('image-classification-single-label');
    items.forEach((it, i) => inc.add(it, i));
    assert.equal(only(inc.result().diagnostics, 'label.tooLong').length, 1);
    assert.deepEqual(only(inc.result().diagnostics, 'label.tooLong'), only(run('image-classification-single-label', items).diagnostics, 'label.tooLong'));
    inc.remove(items[0]);
    assert.equal(only(inc.result().diagnostics, 'label.tooLong').length, 0);
  });
});

describe('duplicates: a JSONL line without annotations disagrees with nothing', () => {
  it('an unlabeled line before or after a labeled line of the same URI is a repeat warning, not a conflict; the item counts once, labeled', () => {
    const items = [
      item(1, 'gs://b/1.jpg', []),
      item(2, 'gs://b/1.jpg', [cls('cat')]),
      item(3, 'gs://b/2.jpg', [cls('cat')]),
      item(4, 'gs://b/2.jpg', []),
      item(5, 'gs://b/1.jpg', [cls('dog')]),
    ];
    const r = run('image-classification-multi-label', items, {}, 'data.jsonl');
    const repeats = only(r.diagnostics, 'duplicate.repeat');
    assert.deepEqual(repeats.map((d) => [d.line, d.severity, d.related?.[0].line]), [[2, 'warning', 1], [4, 'warning', 3]]);
    assert.match(repeats[0].message, /^gs:\/\/b\/1\.jpg is already on line 1 without annotations; Vertex imports one data item, annotated as on this line\. Remove line 1\.$/);
    assert.match(repeats[1].message, /^gs:\/\/b\/2\.jpg is already on line 3; this line has no annotations, so it adds nothing to that data item\. Remove this line\.$/);
    // Two annotated lines that differ: in a multi-label format, a warning to use one line (CSV rows add up).
    assert.deepEqual(only(r.diagnostics, 'duplicate.annotationsSplit').map((d) => [d.line, d.severity]), [[5, 'warning']]);
    assert.deepEqual(only(r.diagnostics, 'duplicate.conflict'), []);
    assert.deepEqual(r.stats.duplicates, { repeats: 2, conflicts: 0, annotationsSplit: 1 });
    assert.deepEqual([r.stats.items, r.stats.labeledItems], [2, 2]);
    assert.deepEqual(r.stats.labels.find((l) => l.name === 'cat')?.items, 2);
  });

  it('a different ml_use still conflicts; inline texts follow the same rule', () => {
    const r = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [], 'test'), item(2, 'gs://b/1.jpg', [cls('cat')], 'training')], {}, 'data.jsonl');
    assert.deepEqual(only(r.diagnostics, 'duplicate.conflict').map((d) => d.line), [2]);
    const t1 = item(1, undefined, [], undefined, 5);
    t1.textContent = 'hello';
    const t2 = item(2, undefined, [cls('greeting')], undefined, 5);
    t2.textContent = 'hello';
    const t = run('text-classification-single-label', [t1, t2], {}, 'data.jsonl');
    assert.equal(only(t.diagnostics, 'duplicate.textConflict').length, 0);
    assert.match(only(t.diagnostics, 'duplicate.textRepeat')[0].message, /^The same text is already on line 1 without annotations;/);
  });

  it('the editor\'s incremental dataset agrees as lines are added, replaced and removed', () => {
    const a = item(1, 'gs://b/1.jpg', []);
    const b = item(2, 'gs://b/1.jpg', [cls('cat')]);
    const c = item(3, 'gs://b/1.jpg', []);
    const inc = new IncrementalDataset('image-classification-single-label', { csv: false });
    const check = (live: ItemFacts[]) => {
      const fresh = run('image-classification-single-label', live, { csv: false }, 'a.jsonl');
      const got = inc.result();
      assert.deepEqual(got.diagnostics.map((d) => [d.line, d.code, d.message]), fresh.diagnostics.map((d) => [d.line, d.code, d.message]));
      assert.deepEqual(got.stats.duplicates, fresh.stats.duplicates);
    };
    inc.addFile('a.jsonl');
    inc.add(a, 1, 'a.jsonl');
    inc.add(b, 2, 'a.jsonl');
    inc.add(c, 3, 'a.jsonl');
    check([a, b, c]);
    assert.equal(only(inc.result().diagnostics, 'duplicate.conflict').length, 0);
    inc.remove(a);
    check([b, c]);
  });

  it('through the CLI: JSONL now agrees with CSV, where such rows always merged quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-dup-'));
    try {
      const jsonl = join(dir, 'd.jsonl');
      writeFileSync(jsonl, ['{"imageGcsUri":"gs://pets/1.jpg"}', '{"imageGcsUri":"gs://pets/1.jpg","classificationAnnotation":{"displayName":"cat"}}'].join('\n') + '\n');
      const r = await cli(['validate', '--output', 'json', jsonl]);
      assert.equal(r.code, 0, 'no error');
      const d = (JSON.parse(r.out) as { files: { diagnostics: { code: string; severity: string }[] }[] }).files[0].diagnostics;
      assert.deepEqual(d.filter((x) => x.code.startsWith('duplicate.')).map((x) => [x.code, x.severity]), [['duplicate.repeat', 'warning']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('label.similar: labels that differ only in letter case or Unicode composition', () => {
  it('"Cat"/"cat" and "café" (é) / "café" (e + accent) warn on the later label; distinct labels and whitespace variants (label.whitespace) do not', () => {
    const items = [
      item(1, 'gs://b/1.jpg', [cls('Cat')]),
      item(2, 'gs://b/2.jpg', [cls('dog')]),
      item(3, 'gs://b/3.jpg', [cls('cat')]),
      item(4, 'gs://b/4.jpg', [cls('caf\u00e9')]),
      item(5, 'gs://b/5.jpg', [cls('cafe\u0301')]),
      item(6, 'gs://b/6.jpg', [cls('CAFE\u0301')]),
      item(7, 'gs://b/7.jpg', [cls('dog ')]),
      item(8, 'gs://b/8.jpg', [cls('cat')]),
    ];
    const r = run('image-classification-single-label', items, {}, 'data.jsonl');
    const f = only(r.diagnostics, 'label.similar');
    assert.deepEqual(f.map((d) => [d.line, d.severity, d.related?.[0].line]), [[3, 'warning', 1], [5, 'warning', 4], [6, 'warning', 4]]);
    assert.equal(f[0].message, 'Label "cat" differs from "Cat" (line 1) only in letter case, so the dataset has two labels where one is probably meant. Use one spelling.');
    assert.match(f[1].message, /only in how its characters are composed \(Unicode normalization\)/);
    assert.match(f[2].message, /only in letter case and in how its characters are composed/);
    assert.equal(only(run('image-classification-single-label', items, { strict: true }).diagnostics, 'label.similar')[0].severity, 'warning', 'strict leaves it a warning');
    assert.equal(only(run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls('cat')]), item(2, 'gs://b/2.jpg', [cls('dog')])]).diagnostics, 'label.similar').length, 0);
  });

  it('the editor\'s incremental dataset reports the same', () => {
    const items = [item(1, 'gs://b/1.jpg', [cls('Cat')]), item(2, 'gs://b/2.jpg', [cls('cat')])];
    const inc = new IncrementalDataset('image-classification-single-label');
    items.forEach((it, i) => inc.add(it, i));
    assert.equal(only(inc.result().diagnostics, 'label.similar').length, 1);
    assert.deepEqual(only(inc.result().diagnostics, 'label.similar'), only(run('image-classification-single-label', items).diagnostics, 'label.similar'));
  });
});

describe('sentiment duplicates name the sentiment, not a label', () => {
  it('the same text on two CSV rows with sentiments 1 and 2', () => {
    const a = item(1, undefined, [sentiment(1, 2)], undefined, 4);
    a.textContent = 'good';
    const b = item(2, undefined, [sentiment(2, 2)], undefined, 4);
    b.textContent = 'good';
    const f = only(run('text-sentiment', [a, b], { csv: true }, 'reviews.csv').diagnostics, 'duplicate.textConflict');
    assert.equal(f.length, 1);
    assert.equal(f[0].message, 'The same text already has sentiment 1 (line 1); Text sentiment takes one sentiment per item, and equal texts are one item. Keep one of the rows.');
  });
});

describe('empty labels (label.empty on their lines) are not labels of the dataset', () => {
  const docs = (): ItemFacts[] => {
    const out = [...documents({ pos: 19 })];
    for (const [i, name] of ['', '  '].entries()) {
      const it = item(20 + i, undefined, [cls(name)], undefined, 8);
      it.textContent = `blank ${i}`;
      out.push(it);
    }
    return out;
  };

  it('text classification with one real label and empty ones has 1 label (dataset.tooFewLabels), no per-label finding on "" and no imbalance', () => {
    const r = run('text-classification-single-label', docs());
    assert.deepEqual(only(r.diagnostics, 'dataset.tooFewLabels').map((d) => d.message), ['The dataset has 1 distinct label; Text classification (single-label) needs at least 2 (DOC-TXT-CLS). Label items with more labels.']);
    assert.equal(only(r.diagnostics, 'label.tooFewItems').length, 0);
    assert.deepEqual(r.stats.labels.map((l) => l.name), ['pos']);
    assert.deepEqual([r.stats.items, r.stats.labeledItems, r.stats.imbalanceRatio], [21, 19, null]);
  });

  it('an empty box label is not a label either; the incremental dataset agrees', () => {
    const items = [item(1, 'gs://b/1.jpg', [box('', 0.1, 0.1, 0.5, 0.5), box('car', 0.1, 0.1, 0.5, 0.5)]), item(2, 'gs://b/2.jpg', [box(' ', 0.1, 0.1, 0.5, 0.5)])];
    const r = run('image-bounding-box', items);
    assert.deepEqual(r.stats.labels.map((l) => [l.name, l.items]), [['car', 1]]);
    assert.equal(r.stats.labeledItems, 1);
    const inc = new IncrementalDataset('image-bounding-box');
    items.forEach((it, i) => inc.add(it, i));
    assert.deepEqual(inc.result().stats.labels, r.stats.labels);
    assert.deepEqual(inc.result().diagnostics.map((d) => [d.line, d.code]), r.diagnostics.map((d) => [d.line, d.code]));
    const t = run('text-classification-single-label', docs());
    const tinc = new IncrementalDataset('text-classification-single-label');
    docs().forEach((it, i) => tinc.add(it, i));
    assert.deepEqual(tinc.result().stats.labels, t.stats.labels);
    assert.equal(tinc.result().stats.labeledItems, t.stats.labeledItems);
  });
});

describe('findings over the per-code cap count in the totals', () => {
  it('1,001 labels on one image each: 1,000 label.tooFewItems listed, the 1,001st counted (validate JSON, text summary, stats)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-cap-'));
    try {
      const file = join(dir, 'od.jsonl');
      const lines: string[] = [];
      for (let i = 0; i < 1001; i++) lines.push(JSON.stringify({ imageGcsUri: `gs://pets/${i}.jpg`, boundingBoxAnnotations: [{ displayName: `l${i}`, xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] }));
      writeFileSync(file, lines.join('\n') + '\n');
      const json = JSON.parse((await cli(['validate', '--output', 'json', file])).out) as { files: { errors: number; warnings: number; diagnostics: { code: string; data?: unknown }[] }[] };
      const f = json.files[0];
      assert.equal(f.diagnostics.filter((d) => d.code === 'label.tooFewItems').length, 1000);
      assert.deepEqual([f.errors, f.warnings], [1, 1001], 'dataset.tooManyLabels, and 1,001 label.tooFewItems');
      const text = await cli(['validate', file]);
      assert.match(text.out, /1 file, 1,001 items: 1 error, 1,001 warnings\n$/);
      const strict = JSON.parse((await cli(['validate', '--strict', '--output', 'json', file])).out) as typeof json;
      assert.deepEqual([strict.files[0].errors, strict.files[0].warnings], [1002, 0]);
      const stats = JSON.parse((await cli(['stats', '--output', 'json', file])).out) as { datasets: { problems: { errors: number; warnings: number } }[] };
      assert.deepEqual(stats.datasets[0].problems, { errors: 1, warnings: 1001, infos: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files given together are one dataset even when one file alone fits several formats', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-siblings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rows = (from: number, to: number, labels: string) => Array.from({ length: to - from }, (_, i) => `gs://pets/${from + i}.jpg,${labels}\n`).join('');

  it('a CSV of one label per row joins a multi-label sibling: 6 + 4 cats are 10, one dataset, no format.ambiguous', async () => {
    writeFileSync(join(dir, 'a.csv'), rows(0, 6, 'cat'));
    writeFileSync(join(dir, 'b.csv'), rows(6, 10, 'cat,dog'));
    const r = await cli(['validate', '--output', 'json', dir]);
    const json = JSON.parse(r.out) as { files: { path: string; format: string; diagnostics: { code: string; message: string }[] }[] };
    assert.deepEqual(json.files.map((f) => f.format), ['image-classification-multi-label', 'image-classification-multi-label']);
    const all = json.files.flatMap((f) => f.diagnostics);
    assert.equal(all.filter((d) => d.code === 'format.ambiguous').length, 0);
    assert.deepEqual(all.filter((d) => d.code === 'label.tooFewItems').map((d) => d.message.slice(0, 30)), ['Label "dog" is on 4 images; Im'], 'cat is on 10 images of one dataset');
    const stats = JSON.parse((await cli(['stats', '--output', 'json', dir])).out) as { datasets: { format: string; items: number }[] };
    assert.deepEqual(stats.datasets.map((d) => [d.format, d.items]), [['image-classification-multi-label', 10]]);
  });

  it('unlabeled JSONL images join a bounding-box sibling; with two certain siblings that both fit, nothing is chosen', async () => {
    const box = (i: number) => JSON.stringify({ imageGcsUri: `gs://pets/${i}.jpg`, boundingBoxAnnotations: [{ displayName: 'cat', xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] });
    writeFileSync(join(dir, 'a.jsonl'), '{"imageGcsUri":"gs://pets/new1.jpg"}\n{"imageGcsUri":"gs://pets/new2.jpg"}\n');
    writeFileSync(join(dir, 'b.jsonl'), [0, 1, 2].map(box).join('\n') + '\n');
    let json = JSON.parse((await cli(['stats', '--output', 'json', dir])).out) as { datasets: { format: string; items: number; files: string[] }[] };
    assert.deepEqual(json.datasets.map((d) => [d.format, d.items, d.files.length]), [['image-bounding-box', 5, 2]]);
    writeFileSync(join(dir, 'c.jsonl'), '{"imageGcsUri":"gs://pets/9.jpg","classificationAnnotation":{"displayName":"cat"}}\n');
    const v = JSON.parse((await cli(['validate', '--output', 'json', dir])).out) as { files: { path: string; format: string; diagnostics: { code: string }[] }[] };
    const a = v.files.find((f) => f.path.endsWith('a.jsonl'))!;
    assert.equal(a.format, 'image-classification-single-label', 'the unlabeled file fits both siblings: it keeps its own likeliest format');
    assert.ok(a.diagnostics.some((d) => d.code === 'format.ambiguous'));
  });
});

describe('dataset messages say what to do, not only the threshold', () => {
  it('minimums and maximums end with an action', () => {
    const nine = [...documents({ pos: 9, neg: 10 })];
    const t = run('text-classification-single-label', nine);
    assert.match(only(t.diagnostics, 'dataset.tooFewItems')[0].message, /needs at least 20 \(DOC-TXT-CLS\)\. Add documents before training\.$/);
    assert.match(only(t.diagnostics, 'label.tooFewItems')[0].message, /needs at least 10 documents per label \(DOC-TXT-CLS\)\. Add documents with it, or drop it\./);
    const boxes = Array.from({ length: 501 }, () => box('car', 0.1, 0.1, 0.5, 0.5));
    const b = run('image-bounding-box', [item(1, 'gs://b/1.jpg', boxes)]);
    assert.match(only(b.diagnostics, 'box.tooMany')[0].message, /at most 500 per image \(DOC-IMG-OD\)\. Remove boxes from this image\.$/);
    const e = item(1, undefined, [span('person', 0, 3)], undefined, 9);
    e.textContent = 'Ann reads';
    assert.match(only(run('text-extraction', [e]).diagnostics, 'label.fewUses')[0].message, /\(DOC-TXT-EE\)\. Annotate more of its occurrences\.$/);
    const v = run('video-classification', [item(1, 'gs://b/v.mp4', [seg('run', 0, 1)])], { media: new Map([['gs://b/v.mp4', { duration: 10801 }]]) });
    assert.match(only(v.diagnostics, 'video.tooLong')[0].message, /\(3 h\) \(DOC-VID-CLS\)\. Cut it into shorter videos\.$/);
    assert.match(only(v.diagnostics, 'dataset.tooFewLabels')[0].message, /needs at least 2 \(DOC-VID-CLS\)\. Label items with more labels\.$/);
  });
});

describe('text.spanWords: an entity extraction label annotates 1 to 10 words (DOC-TXT-EE)', () => {
  const line = (text: string, spans: [string, number, number][]) =>
    JSON.stringify({ textContent: text, textSegmentAnnotations: spans.map(([displayName, startOffset, endOffset]) => ({ displayName, startOffset, endOffset })) });
  const ten = 'one two three four five six seven eight nine ten';

  it('10 words pass, 11 warn on the annotation, a span of spaces warns; offsets count characters (an emoji before the span is one)', () => {
    const text = `😀 ${ten} eleven`;
    const tenEnd = 2 + ten.length;
    const lines = [line(text, [['ten', 2, tenEnd], ['eleven', 2, tenEnd + 7], ['gap', 1, 2], ['one', 2, 5]])];
    const r = validateJsonlText(lines.join('\n') + '\n', { format: 'text-extraction' });
    const f = r.diagnostics.filter((d) => d.code === 'text.spanWords');
    assert.deepEqual(f.map((d) => [d.severity, d.message.slice(0, 40)]), [
      ['warning', 'The "eleven" span covers 11 words ("one '],
      ['warning', 'The "gap" span covers no words (only spa'],
    ]);
    const covered = lines[0].slice(f[0].column - 1, f[0].endColumn - 1);
    assert.equal(JSON.parse(covered).displayName, 'eleven', 'the finding sits on the annotation');
    assert.match(f[0].message, /annotates 1 to 10 words \(DOC-TXT-EE\)/);
  });
});

describe('after a first line without annotations, later lines of the URI are compared with the annotated one', () => {
  it('a conflict or an unannotated repeat names the annotated line; the editor\'s incremental dataset says the same', () => {
    const items = [
      item(1, 'gs://b/1.jpg', []),
      item(2, 'gs://b/1.jpg', [cls('cat')]),
      item(3, 'gs://b/1.jpg', [cls('dog')]),
      item(4, 'gs://b/1.jpg', []),
    ];
    const r = run('image-classification-single-label', items, {}, 'data.jsonl');
    const conflict = only(r.diagnostics, 'duplicate.conflict');
    assert.equal(conflict.length, 1);
    assert.match(conflict[0].message, /^gs:\/\/b\/1\.jpg is already on line 2 with different annotations/);
    assert.equal(conflict[0].related?.[0].line, 2);
    const repeats = only(r.diagnostics, 'duplicate.repeat');
    assert.deepEqual(repeats.map((d) => [d.line, d.related?.[0].line]), [[2, 1], [4, 2]]);
    const inc = new IncrementalDataset('image-classification-single-label', { csv: false });
    inc.addFile('data.jsonl');
    items.forEach((it, i) => inc.add(it, i, 'data.jsonl'));
    const got = inc.result().diagnostics.map((d) => [d.line, d.code, d.message, d.related?.map((x) => x.line)]);
    assert.deepEqual(got, r.diagnostics.map((d) => [d.line, d.code, d.message, d.related?.map((x) => x.line)]));
  });
});

describe('JSONL lines of one image with different boxes: a warning, as CSV rows of one image add up', () => {
  it('CLI: detection and multi-label lines are duplicate.annotationsSplit (warning, exit 0) and both count; single-label lines still conflict; the editor agrees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-split-boxes-'));
    try {
      const box = (x: number, label: string) => ({ displayName: label, xMin: x, yMin: 0.1, xMax: x + 0.2, yMax: 0.5 });
      const jsonl = join(dir, 'boxes.jsonl');
      writeFileSync(jsonl, [
        JSON.stringify({ imageGcsUri: 'gs://pets/1.jpg', boundingBoxAnnotations: [box(0.1, 'cat')] }),
        JSON.stringify({ imageGcsUri: 'gs://pets/1.jpg', boundingBoxAnnotations: [box(0.5, 'dog')] }),
      ].join('\n') + '\n');
      const r = await cli(['validate', '--output', 'json', '--format', 'image-bounding-box', jsonl]);
      assert.equal(r.code, 0, r.out);
      const d = (JSON.parse(r.out) as { files: { diagnostics: { code: string; severity: string; line: number; message: string }[] }[] }).files[0].diagnostics.filter((x) => x.code.startsWith('duplicate.'));
      assert.deepEqual(d.map((x) => [x.code, x.severity, x.line]), [['duplicate.annotationsSplit', 'warning', 2]]);
      assert.match(d[0].message, /^gs:\/\/pets\/1\.jpg is already on line 1 with other annotations\. .*put all annotations of this item on one line\.$/);
      // The same boxes as CSV rows (one box per row): merged, no finding.
      const csv = join(dir, 'boxes.csv');
      writeFileSync(csv, 'gs://pets/1.jpg,cat,0.1,0.1,,,0.3,0.5,,\ngs://pets/1.jpg,dog,0.5,0.1,,,0.7,0.5,,\n');
      const c = await cli(['validate', '--output', 'json', '--format', 'image-bounding-box', csv]);
      assert.equal(c.code, 0, c.out);
      assert.deepEqual((JSON.parse(c.out) as { files: { diagnostics: { code: string }[] }[] }).files[0].diagnostics.filter((x) => x.code.startsWith('duplicate.')), []);
      const stats = await cli(['stats', '--output', 'json', '--format', 'image-bounding-box', jsonl]);
      const labels = (JSON.parse(stats.out) as { datasets: { labels: { name: string }[] }[] }).datasets[0].labels.map((l) => l.name).sort();
      assert.deepEqual(labels, ['cat', 'dog'], 'both lines count toward the one item');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const items = [item(1, 'gs://b/1.jpg', [cls('cat')]), item(2, 'gs://b/1.jpg', [cls('dog')])];
    for (const [format, code, severity] of [['image-classification-multi-label', 'duplicate.annotationsSplit', 'warning'], ['image-classification-single-label', 'duplicate.conflict', 'error']] as const) {
      const r = run(format, items, {}, 'data.jsonl');
      const d = r.diagnostics.filter((x) => x.code.startsWith('duplicate.'));
      assert.deepEqual(d.map((x) => [x.code, x.severity, x.line]), [[code, severity, 2]], format);
      const inc = new IncrementalDataset(format, { csv: false });
      inc.addFile('data.jsonl');
      items.forEach((it, i) => inc.add(it, i + 1, 'data.jsonl'));
      assert.deepEqual(inc.result().diagnostics.map((x) => [x.line, x.code, x.severity, x.message]), r.diagnostics.map((x) => [x.line, x.code, x.severity, x.message]), `editor: ${format}`);
    }
  });
});

describe('stats: annotations split over JSONL lines are not counted as conflicts', () => {
  it('CLI text and JSON count them apart (duplicates.annotationsSplit); a different ml_use is still a conflict; the editor\'s dataset agrees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-split-stats-'));
    try {
      const box = (x: number, label: string) => ({ displayName: label, xMin: x, yMin: 0.1, xMax: x + 0.2, yMax: 0.5 });
      const mlUse = (v: string) => ({ dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': v } });
      const jsonl = join(dir, 'boxes.jsonl');
      writeFileSync(jsonl, [
        JSON.stringify({ imageGcsUri: 'gs://pets/1.jpg', boundingBoxAnnotations: [box(0.1, 'cat')] }),
        JSON.stringify({ imageGcsUri: 'gs://pets/1.jpg', boundingBoxAnnotations: [box(0.5, 'dog')] }),
        JSON.stringify({ imageGcsUri: 'gs://pets/1.jpg', boundingBoxAnnotations: [box(0.1, 'cat')] }),
        JSON.stringify({ imageGcsUri: 'gs://pets/2.jpg', boundingBoxAnnotations: [box(0.1, 'cat')], ...mlUse('training') }),
        JSON.stringify({ imageGcsUri: 'gs://pets/2.jpg', boundingBoxAnnotations: [box(0.1, 'cat')], ...mlUse('test') }),
      ].join('\n') + '\n');
      const v = await cli(['validate', '--output', 'json', '--format', 'image-bounding-box', jsonl]);
      const codes = (JSON.parse(v.out) as { files: { diagnostics: { code: string; line: number }[] }[] }).files[0].diagnostics.filter((x) => x.code.startsWith('duplicate.')).map((x) => [x.code, x.line]);
      assert.deepEqual(codes, [['duplicate.annotationsSplit', 2], ['duplicate.repeat', 3], ['duplicate.conflict', 5]]);
      const json = await cli(['stats', '--output', 'json', '--format', 'image-bounding-box', jsonl]);
      assert.equal(json.code, 0, json.err);
      assert.deepEqual((JSON.parse(json.out) as { datasets: { duplicates: unknown }[] }).datasets[0].duplicates, { repeats: 1, conflicts: 1, annotationsSplit: 1 });
      const text = await cli(['stats', '--format', 'image-bounding-box', jsonl]);
      assert.match(text.out, /; duplicates: 1 repeated, 1 conflicting, 1 with annotations split over lines\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const items = [item(1, 'gs://b/1.jpg', [cls('cat')]), item(2, 'gs://b/1.jpg', [cls('dog')]), item(3, 'gs://b/2.jpg', [cls('cat')]), item(4, 'gs://b/2.jpg', [cls('dog')])];
    const r = run('image-classification-multi-label', items, {}, 'data.jsonl');
    assert.deepEqual(r.stats.duplicates, { repeats: 0, conflicts: 0, annotationsSplit: 2 });
    assert.equal(duplicatesText(r.stats.duplicates), '0 repeated, 0 conflicting, 2 with annotations split over lines');
    // Without annotations split over lines, the words are as before.
    assert.equal(duplicatesText({ repeats: 1200, conflicts: 3, annotationsSplit: 0 }), '1,200 repeated, 3 conflicting');
    const inc = new IncrementalDataset('image-classification-multi-label', { csv: false });
    inc.addFile('data.jsonl');
    items.forEach((it, i) => inc.add(it, i + 1, 'data.jsonl'));
    assert.deepEqual(inc.result().stats.duplicates, r.stats.duplicates);
    inc.remove(items[3]);
    assert.deepEqual(inc.result().stats.duplicates, { repeats: 0, conflicts: 0, annotationsSplit: 1 });
    // Single-label: the same lines disagree, a conflict.
    assert.deepEqual(run('image-classification-single-label', items, {}, 'data.jsonl').stats.duplicates, { repeats: 0, conflicts: 2, annotationsSplit: 0 });
  });
});

describe('lines with a line error do not count toward the dataset checks (Vertex drops such lines at import)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-excluded-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  type Json = { diagnostics: { code: string; message: string }[] };
  const findings = async (file: string) => {
    const r = await cli(['validate', '--output', 'json', file]);
    return (JSON.parse(r.out) as { files: Json[] }).files[0].diagnostics;
  };
  const stats = async (file: string) => {
    const r = await cli(['stats', '--output', 'json', file]);
    return (JSON.parse(r.out) as { datasets: { rows: number; excludedRows?: number; items: number; labels: { name: string; items: number }[] }[] }).datasets[0];
  };
  const doc = (i: number, label: string) => JSON.stringify({ textContent: `document ${i}`, classificationAnnotation: { displayName: label } });
  const empty = JSON.stringify({ textContent: '', classificationAnnotation: { displayName: 'a' } });

  it('JSONL: 19 documents plus an empty-text line are 19 (dataset.tooFewItems, which says why); 20 plus one pass', async () => {
    const file = join(dir, 'docs.jsonl');
    const docs = (n: number) => Array.from({ length: n }, (_, i) => doc(i, i % 2 ? 'a' : 'b'));
    writeFileSync(file, [empty, ...docs(19)].join('\n') + '\n');
    let f = (await findings(file)).filter((d) => d.code === 'dataset.tooFewItems');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /^The dataset has 19 documents; .* needs at least 20 .* 1 line with errors is not counted: Vertex drops such lines at import\.$/);
    let s = await stats(file);
    assert.deepEqual([s.rows, s.excludedRows, s.items], [20, 1, 19]);
    assert.ok(!s.labels.some((l) => l.items > 10), 'the empty line\'s label "a" is not counted');
    const text = (await cli(['stats', file])).out;
    assert.match(text, /^ {2}not counted: 1 line with errors \(Vertex drops such lines at import; the figures describe the other lines\)$/m);

    writeFileSync(file, [...docs(10), empty, ...docs(20).slice(10)].join('\n') + '\n');
    f = (await findings(file)).filter((d) => d.code === 'dataset.tooFewItems');
    assert.equal(f.length, 0);
    s = await stats(file);
    assert.deepEqual([s.rows, s.excludedRows, s.items], [21, 1, 20]);
    // A file without line errors says nothing about them.
    writeFileSync(file, docs(20).join('\n') + '\n');
    s = await stats(file);
    assert.deepEqual([s.rows, 'excludedRows' in s, s.items], [20, false, 20]);
    assert.doesNotMatch((await cli(['stats', file])).out, /not counted/);
  });

  it('CSV: 19 documents plus a row with an empty text are 19; 20 plus one pass', async () => {
    const file = join(dir, 'docs.csv');
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `"document ${i}",${i % 2 ? 'a' : 'b'}`);
    writeFileSync(file, ['training,"",a', ...rows(19)].join('\n') + '\n');
    const run = async () => (await cli(['validate', '--format', 'text-classification-single-label', '--output', 'json', file])).out;
    let d = (JSON.parse(await run()) as { files: Json[] }).files[0].diagnostics;
    assert.ok(d.some((x) => x.code === 'text.empty'));
    assert.deepEqual(d.filter((x) => x.code === 'dataset.tooFewItems').map((x) => /has (\d+) documents/.exec(x.message)?.[1]), ['19']);
    writeFileSync(file, ['training,"",a', ...rows(20)].join('\n') + '\n');
    d = (JSON.parse(await run()) as { files: Json[] }).files[0].diagnostics;
    assert.equal(d.filter((x) => x.code === 'dataset.tooFewItems').length, 0);
    const s = JSON.parse((await cli(['stats', '--format', 'text-classification-single-label', '--output', 'json', file])).out).datasets[0];
    assert.deepEqual([s.rows, s.excludedRows, s.items], [21, 1, 20]);
  });

  const image = (i: number, label: string, split?: string, uri = `gs://bkt/${i}.jpg`) =>
    JSON.stringify({ imageGcsUri: uri, classificationAnnotation: { displayName: label }, ...(split ? { dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split } } : {}) });

  it('per-label minimum: 9 images of "cat" plus a line with a bad URI are 9 (label.tooFewItems); 10 plus one pass', async () => {
    const file = join(dir, 'cats.jsonl');
    const dogs = Array.from({ length: 10 }, (_, i) => image(100 + i, 'dog'));
    const cats = (n: number) => Array.from({ length: n }, (_, i) => image(i, 'cat'));
    writeFileSync(file, [...cats(9), image(50, 'cat', undefined, 'http://bkt/50.jpg'), ...dogs].join('\n') + '\n');
    let f = (await findings(file)).filter((d) => d.code === 'label.tooFewItems');
    assert.deepEqual(f.map((d) => /^Label "(\w+)" is on (\d+) images/.exec(d.message)?.slice(1)), [['cat', '9']]);
    writeFileSync(file, [...cats(10), image(50, 'cat', undefined, 'http://bkt/50.jpg'), ...dogs].join('\n') + '\n');
    f = (await findings(file)).filter((d) => d.code === 'label.tooFewItems');
    assert.equal(f.length, 0);
  });

  it('split coverage and imbalance: a label whose only test item is on a bad line has no test items', async () => {
    const file = join(dir, 'splits.jsonl');
    const base = [...Array.from({ length: 10 }, (_, i) => image(i, 'cat', 'training')), ...Array.from({ length: 10 }, (_, i) => image(20 + i, 'dog', 'training')), image(40, 'cat', 'test'), image(41, 'cat', 'validation'), image(42, 'dog', 'validation')];
    writeFileSync(file, [...base, image(43, 'dog', 'test')].join('\n') + '\n');
    assert.equal((await findings(file)).filter((d) => d.code === 'split.missingLabel').length, 0);
    writeFileSync(file, [...base, image(43, 'dog', 'test', 'ftp://bkt/43.jpg')].join('\n') + '\n');
    assert.deepEqual((await findings(file)).filter((d) => d.code === 'split.missingLabel').map((d) => /^Label "(\w+)" has no items in the (\w+) split/.exec(d.message)?.slice(1)), [['dog', 'test']]);
    // Imbalance: 1,001 cats against 10 dogs and an 11th dog on a bad line.
    const lines = [...Array.from({ length: 1001 }, (_, i) => image(i, 'cat')), ...Array.from({ length: 10 }, (_, i) => image(2000 + i, 'dog')), image(3000, 'dog', undefined, 'ftp://bkt/3000.jpg')];
    writeFileSync(file, lines.join('\n') + '\n');
    assert.deepEqual((await findings(file)).filter((d) => d.code === 'label.imbalance').map((d) => /^Label "(\w+)" is on (\d+) images/.exec(d.message)?.slice(1)), [['dog', '10']]);
  });

  it('the editor\'s incremental dataset leaves the same lines out, and counts a line again once it is fixed', () => {
    const lines = [image(1, 'cat'), image(2, 'cat', undefined, 'ftp://bkt/2.jpg'), image(3, 'dog'), image(2, 'dog'), image(4, 'cat', 'tst')];
    const facts: ItemFacts[] = [];
    validateJsonlText(lines.join('\n'), { format: 'image-classification-single-label', onItem: (f) => facts.push(f) });
    assert.deepEqual(facts.map((f) => f.lineError === true), [false, true, false, false, true]);
    const fresh = (items: ItemFacts[]) => run('image-classification-single-label', items, { csv: false }, 'a.jsonl');
    const inc = new IncrementalDataset('image-classification-single-label', { csv: false });
    facts.forEach((f, i) => inc.add(f, i, 'a.jsonl'));
    const expected = fresh(facts);
    assert.deepEqual(inc.result(), expected);
    assert.deepEqual([expected.stats.rows, expected.stats.excludedRows, expected.stats.items], [5, 2, 3]);
    // gs://bkt/2.jpg appears once among the counted lines: no duplicate finding.
    assert.equal(expected.diagnostics.filter((d) => d.code.startsWith('duplicate.')).length, 0);
    const fixed: ItemFacts[] = [];
    validateJsonlText(image(2, 'cat'), { format: 'image-classification-single-label', onItem: (f) => fixed.push({ ...f, line: 2, anchor: { ...f.anchor, line: 2, endLine: 2 } }) });
    inc.replace(facts[1], fixed[0]);
    const now = [facts[0], fixed[0], ...facts.slice(2)];
    assert.deepEqual(inc.result(), fresh(now));
    assert.deepEqual([inc.result().stats.excludedRows, inc.result().stats.duplicates.conflicts], [1, 1]);
    inc.remove(facts[4]);
    assert.equal('excludedRows' in inc.result().stats, false);
    assert.deepEqual(inc.result(), fresh(now.slice(0, 4)));
  });
});
