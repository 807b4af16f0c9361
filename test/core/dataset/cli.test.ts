import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bytesReadFrom } from '../support/bytesRead';
import { cli } from '../support/cli';

const FIX = 'test/fixtures/dataset';

interface JsonDiag {
  line: number;
  severity: string;
  code: string;
  message: string;
  related?: { line: number; path?: string; message: string }[];
}
interface JsonOut {
  files: { path: string; diagnostics: JsonDiag[] }[];
}

function diagsOf(json: JsonOut, path: string): JsonDiag[] {
  return json.files.find((f) => f.path === path)?.diagnostics ?? [];
}

function catLines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += JSON.stringify({ imageGcsUri: `gs://pets/cat/${i}.jpg`, classificationAnnotation: { displayName: 'cat' } }) + '\n';
  return s;
}

describe('dataset checks through the CLI (real files)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-dataset-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a file whose format is detected while it is read (CSV, ambiguous JSONL) is read once for validation and dataset checks together', async () => {
    // 3 MB files: the format is sniffed from the first 1 MB; a second pass for the checks reads 3 MB more.
    const csv = join(dir, 'one-pass.csv');
    const jsonl = join(dir, 'one-pass-unlabeled.jsonl');
    let c = '';
    let j = '';
    for (let i = 0; c.length < 3 << 20; i++) c += `${i % 10 < 8 ? 'training' : 'test'},gs://pets/images/${String(i).padStart(9, '0')}.jpg,${i % 3 ? 'cat' : 'dog'}\n`;
    for (let i = 0; j.length < 3 << 20; i++) j += JSON.stringify({ imageGcsUri: `gs://pets/images/${String(i).padStart(9, '0')}.jpg` }) + '\n';
    writeFileSync(csv, c);
    writeFileSync(jsonl, j);
    for (const [path, size] of [[csv, c.length], [jsonl, j.length]] as const) {
      const { bytes, result: run } = await bytesReadFrom(path, () => cli(['validate', '--output', 'json', path]));
      const json = JSON.parse(run.out) as JsonOut;
      assert.ok(bytes >= size, `${path}: read ${bytes} of ${size} bytes`);
      // One pass, plus the head (1 MB) read to sniff the format, twice at most: under two passes.
      assert.ok(bytes < 2 * size, `${path}: ${bytes} bytes read for a ${size}-byte file (a second pass?)`);
      // The dataset checks ran: the CSV's labels are counted, and the JSONL file is one dataset of unlabeled images.
      const codes = diagsOf(json, path).map((d) => d.code);
      if (path === csv) assert.ok(codes.includes('split.missingLabel') || codes.includes('format.ambiguous'), codes.join(','));
      const stats = await cli(['stats', '--output', 'json', path]);
      const items = (JSON.parse(stats.out) as { datasets: { items: number }[] }).datasets[0].items;
      assert.equal(items, size === c.length ? c.split('\n').length - 1 : j.split('\n').length - 1);
    }
  });

  it('files given together are one dataset: 5 + 4 cats warn on the first file, related lines in both', async () => {
    const r = await cli(['validate', '--output', 'json', `${FIX}/pets-a.jsonl`, `${FIX}/pets-b.jsonl`]);
    assert.equal(r.code, 1, 'the conflicting duplicate is an error');
    const json = JSON.parse(r.out) as JsonOut;
    const a = diagsOf(json, `${FIX}/pets-a.jsonl`);
    const few = a.filter((d) => d.code === 'label.tooFewItems');
    assert.equal(few.length, 1);
    assert.equal(few[0].line, 1);
    assert.match(few[0].message, /"cat" is on 9 images/);
    assert.deepEqual(few[0].related?.map((x) => [x.path ?? 'same', x.line]), [
      ['same', 2], ['same', 3], ['same', 4], ['same', 5],
      [`${FIX}/pets-b.jsonl`, 1], [`${FIX}/pets-b.jsonl`, 2], [`${FIX}/pets-b.jsonl`, 3], [`${FIX}/pets-b.jsonl`, 4],
    ]);
    const conflict = diagsOf(json, `${FIX}/pets-b.jsonl`).filter((d) => d.code === 'duplicate.conflict');
    assert.equal(conflict.length, 1);
    assert.equal(conflict[0].line, 5);
    assert.equal(conflict[0].severity, 'error');
    assert.match(conflict[0].message, /already on test\/fixtures\/dataset\/pets-a\.jsonl:1/);
    assert.equal(conflict[0].related?.[0].path, `${FIX}/pets-a.jsonl`);
  });

  it('5 + 5 cats in two files reach the minimum of 10', async () => {
    writeFileSync(join(dir, 'one.jsonl'), catLines(0, 5));
    writeFileSync(join(dir, 'two.jsonl'), catLines(5, 10));
    const r = await cli(['validate', '--output', 'json', 'one.jsonl', 'two.jsonl'], dir);
    const json = JSON.parse(r.out) as JsonOut;
    assert.deepEqual(json.files.flatMap((f) => f.diagnostics.map((d) => d.code)), []);
    assert.equal(r.code, 0);
  });

  it('--strict turns training-only findings into errors (exit 1), otherwise warnings (exit 0)', async () => {
    writeFileSync(join(dir, 'nine.jsonl'), catLines(0, 9));
    let r = await cli(['validate', 'nine.jsonl'], dir);
    assert.equal(r.code, 0);
    assert.match(r.out, /nine\.jsonl:1:16: warning label\.tooFewItems/);
    r = await cli(['validate', '--strict', 'nine.jsonl'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /nine\.jsonl:1:16: error label\.tooFewItems/);
    r = await cli(['validate', '--no-dataset-checks', 'nine.jsonl'], dir);
    assert.equal(r.out.includes('label.tooFewItems'), false);
  });

  it('a tabular CSV with too few rows warns (exit 0); --strict makes it an error (exit 1); 1,000 rows pass either way', async () => {
    const rows = (n: number) => ['id,label', ...Array.from({ length: n }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`)].join('\n') + '\n';
    writeFileSync(join(dir, 'few.csv'), rows(999));
    writeFileSync(join(dir, 'enough.csv'), rows(1000));
    const line = 'few.csv:1:1: %s tabular.rows.tooFew: Vertex AI needs 1,000-100,000,000 data rows for tabular training; this source has 999.';
    let r = await cli(['validate', '--target', 'label', 'few.csv'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.out.split('\n')[0], line.replace('%s', 'warning'));
    r = await cli(['validate', '--strict', '--target', 'label', 'few.csv'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out.split('\n')[0], line.replace('%s', 'error'));
    const json = JSON.parse((await cli(['validate', '--strict', '--output', 'json', '--target', 'label', 'few.csv'], dir)).out) as JsonOut;
    assert.deepEqual(diagsOf(json, 'few.csv').map((d) => [d.code, d.severity]), [['tabular.rows.tooFew', 'error']]);
    for (const args of [[], ['--strict']]) {
      r = await cli(['validate', ...args, '--target', 'label', 'enough.csv'], dir);
      assert.equal(r.code, 0, r.out);
      assert.equal(r.out.includes('tabular.rows'), false, r.out);
    }
  });

  it('SARIF carries related locations in other files', async () => {
    const r = await cli(['validate', '--output', 'sarif', `${FIX}/pets-a.jsonl`, `${FIX}/pets-b.jsonl`]);
    const sarif = JSON.parse(r.out) as {
      runs: { results: { ruleId: string; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const conflict = sarif.runs[0].results.find((x) => x.ruleId === 'duplicate.conflict');
    assert.ok(conflict, 'duplicate.conflict in SARIF');
    assert.equal(conflict.relatedLocations?.[0].physicalLocation.artifactLocation.uri, `${FIX}/pets-a.jsonl`);
    assert.equal(conflict.relatedLocations?.[0].physicalLocation.region.startLine, 1);
  });

  it('a media sidecar beside the file enables the 8x8 px check; its bad rows are reported; a folder does not validate it as an import file', async () => {
    const r = await cli(['validate', '--output', 'json', FIX]);
    const json = JSON.parse(r.out) as JsonOut;
    const px = diagsOf(json, `${FIX}/shop.jsonl`).filter((d) => d.code === 'box.tooSmallPx');
    assert.deepEqual(px.map((d) => d.line), [11]);
    assert.match(px[0].message, /8 × 6 px in the 400×300 image/);
    const sidecar = diagsOf(json, `${FIX}/shop.jsonl.media.csv`);
    assert.deepEqual(sidecar.map((d) => [d.code, d.line]), [['sidecar.invalid', 3]]);
  });

  it('--media gives video durations: a segment after the end is an error', async () => {
    let r = await cli(['validate', '--output', 'json', '--format', 'video-classification', `${FIX}/gym.jsonl`]);
    let diags = diagsOf(JSON.parse(r.out) as JsonOut, `${FIX}/gym.jsonl`);
    assert.deepEqual(diags.map((d) => d.code), ['video.overlap']);
    r = await cli(['validate', '--output', 'json', '--format', 'video-classification', '--media', `${FIX}/gym-durations.json`, `${FIX}/gym.jsonl`]);
    diags = diagsOf(JSON.parse(r.out) as JsonOut, `${FIX}/gym.jsonl`);
    assert.deepEqual(diags.map((d) => [d.code, d.line]), [['video.segmentOutside', 1], ['video.overlap', 2]]);
    assert.equal(r.code, 1);
    r = await cli(['validate', '--media', 'missing.json', `${FIX}/gym.jsonl`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing\.json: cannot read media sidecar \(no such file\)/);
  });

  it('a file whose format is only known after reading it still feeds the dataset checks', async () => {
    // Unlabeled lines: detection is ambiguous among the image formats, the validator picks one.
    const uri = (i: number) => JSON.stringify({ imageGcsUri: `gs://bkt/${i % 3}.jpg` });
    writeFileSync(join(dir, 'plain.jsonl'), [0, 1, 2, 3].map(uri).join('\n') + '\n');
    const r = await cli(['validate', '--output', 'json', 'plain.jsonl'], dir);
    const diags = diagsOf(JSON.parse(r.out) as JsonOut, 'plain.jsonl');
    assert.deepEqual(diags.filter((d) => d.code.startsWith('duplicate.')).map((d) => [d.code, d.line]), [['duplicate.repeat', 4]]);
  });

  it('CSV: rows of one image merge into one item; repeated rows, split and label conflicts are found', async () => {
    writeFileSync(
      join(dir, 'boxes.csv'),
      [
        'training,gs://bkt/a.jpg,car,0.1,0.1,,,0.5,0.5,,',
        'training,gs://bkt/a.jpg,car,0.5,0.5,,,0.9,0.9,,',
        'training,gs://bkt/a.jpg,car,0.1,0.1,,,0.5,0.5,,',
        'test,gs://bkt/a.jpg,bus,0.2,0.2,,,0.3,0.3,,',
        'gs://bkt/b.jpg,bus,0.2,0.2,,,0.205,0.3,,',
      ].join('\n') + '\n',
    );
    let r = await cli(['validate', '--output', 'json', '--format', 'image-bounding-box', 'boxes.csv'], dir);
    let diags = diagsOf(JSON.parse(r.out) as JsonOut, 'boxes.csv');
    const dataset = diags.filter((d) => /^(duplicate|box)\./.test(d.code)).map((d) => [d.code, d.line]);
    assert.deepEqual(dataset, [['duplicate.repeat', 3], ['duplicate.conflict', 4], ['box.tooSmall', 5]]);
    r = await cli(['stats', '--output', 'json', '--format', 'image-bounding-box', 'boxes.csv'], dir);
    const stats = (JSON.parse(r.out) as { datasets: { items: number; rows: number; boxes: { count: number } }[] }).datasets[0];
    assert.deepEqual([stats.rows, stats.items, stats.boxes.count], [5, 2, 4]);

    writeFileSync(join(dir, 'labels.csv'), 'gs://bkt/a.jpg,cat\ngs://bkt/a.jpg,dog\n');
    r = await cli(['validate', '--output', 'json', '--format', 'image-classification-single-label', 'labels.csv'], dir);
    diags = diagsOf(JSON.parse(r.out) as JsonOut, 'labels.csv');
    assert.deepEqual(diags.filter((d) => d.code === 'duplicate.conflict').map((d) => d.line), [2]);
    r = await cli(['validate', '--output', 'json', '--format', 'image-classification-multi-label', 'labels.csv'], dir);
    diags = diagsOf(JSON.parse(r.out) as JsonOut, 'labels.csv');
    assert.deepEqual(diags.filter((d) => d.code.startsWith('duplicate.')), [], 'multi-label rows add labels to one image');
  });

  it('the same inline text on several lines is one data item: a repeat warns, disagreeing labels or ml_use are errors; one character apart is no duplicate', async () => {
    const text = (t: string, label: string, mlUse?: string) =>
      JSON.stringify({ textContent: t, classificationAnnotation: { displayName: label }, ...(mlUse ? { dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': mlUse } } : {}) });
    writeFileSync(
      join(dir, 'texts.jsonl'),
      [
        text('good movie', 'pos'),
        text('good movie!', 'pos'),
        text('good movie', 'pos'),
        text('bad movie', 'neg'),
        text('bad movie', 'pos'),
        text('fine', 'pos', 'training'),
        text('fine', 'pos', 'test'),
        JSON.stringify({ textGcsUri: 'gs://bkt/fine.txt', classificationAnnotation: { displayName: 'pos' } }),
      ].join('\n') + '\n',
    );
    let r = await cli(['validate', '--output', 'json', 'texts.jsonl'], dir);
    let diags = diagsOf(JSON.parse(r.out) as JsonOut, 'texts.jsonl').filter((d) => d.code.startsWith('duplicate.'));
    assert.deepEqual(
      diags.map((d) => [d.code, d.line, d.severity, d.related?.map((x) => x.line)]),
      [
        ['duplicate.textRepeat', 3, 'warning', [1]],
        ['duplicate.textConflict', 5, 'error', [4]],
        ['duplicate.textConflict', 7, 'error', [6]],
      ],
    );
    assert.match(diags[1].message, /same text is already on line 4 with different annotations/);
    assert.match(diags[2].message, /ml_use training, here test/);
    r = await cli(['stats', '--output', 'json', 'texts.jsonl'], dir);
    const stats = (JSON.parse(r.out) as { datasets: { rows: number; items: number; duplicates: { repeats: number; conflicts: number; annotationsSplit: number } }[] }).datasets[0];
    assert.deepEqual([stats.rows, stats.items, stats.duplicates], [8, 5, { repeats: 1, conflicts: 2, annotationsSplit: 0 }], 'four distinct texts and one text file');

    // CSV: rows of one text add labels to one item (multi-label) or conflict (single-label); an identical row repeats.
    writeFileSync(join(dir, 'texts.csv'), '"good movie",pos\n"good movie",neg\n"good movie",pos\n"good movie?",pos\n');
    r = await cli(['validate', '--output', 'json', '--format', 'text-classification-single-label', 'texts.csv'], dir);
    diags = diagsOf(JSON.parse(r.out) as JsonOut, 'texts.csv').filter((d) => d.code.startsWith('duplicate.'));
    assert.deepEqual(diags.map((d) => [d.code, d.line]), [['duplicate.textConflict', 2], ['duplicate.textRepeat', 3]]);
    r = await cli(['validate', '--output', 'json', '--format', 'text-classification-multi-label', 'texts.csv'], dir);
    diags = diagsOf(JSON.parse(r.out) as JsonOut, 'texts.csv').filter((d) => d.code.startsWith('duplicate.'));
    assert.deepEqual(diags.map((d) => [d.code, d.line]), [['duplicate.textRepeat', 3]]);
  });

  it('stats --output json: the documented shape', async () => {
    const r = await cli(['stats', '--output', 'json', `${FIX}/pets-a.jsonl`, `${FIX}/pets-b.jsonl`, `${FIX}/shop.jsonl`]);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { datasets: Record<string, unknown>[] };
    assert.equal(json.datasets.length, 2);
    const pets = json.datasets.find((d) => d.format === 'image-classification-single-label') as Record<string, unknown>;
    assert.deepEqual(pets.files, [`${FIX}/pets-a.jsonl`, `${FIX}/pets-b.jsonl`]);
    assert.equal(pets.items, 19);
    assert.equal(pets.rows, 20);
    assert.deepEqual(pets.labels, [
      { name: 'dog', items: 11, annotations: 11, splits: { training: 0, validation: 0, test: 0, unassigned: 11 } },
      { name: 'cat', items: 9, annotations: 9, splits: { training: 0, validation: 0, test: 0, unassigned: 9 } },
    ]);
    assert.deepEqual(pets.duplicates, { repeats: 0, conflicts: 1, annotationsSplit: 0 });
    assert.deepEqual(pets.problems, { errors: 1, warnings: 1, infos: 0 });
    const shop = json.datasets.find((d) => d.format === 'image-bounding-box') as { boxes: { count: number; perImage: { buckets: { from: number; to: number | null; count: number }[] } } };
    assert.equal(shop.boxes.count, 11);
    assert.deepEqual(shop.boxes.perImage.buckets[1], { from: 1, to: 2, count: 11 });
  });

  it('stats text output and errors', async () => {
    let r = await cli(['stats', `${FIX}/shop.jsonl`]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Image object detection \(bounding boxes\) \(image-bounding-box\): test\/fixtures\/dataset\/shop\.jsonl/);
    assert.match(r.out, /items 11 \(11 labeled\) from 11 lines; annotations 11; labels 1/);
    assert.match(r.out, /cup\s+11\s+11\s+0\s+0\s+0\s+11/);
    assert.match(r.out, /boxes per image: 11 \(min 1, mean 1, max 1\)/);
    r = await cli(['stats', 'nope.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.jsonl: no such file or folder/);
    r = await cli(['stats', '--output', 'sarif', resolve(FIX, 'shop.jsonl')]);
    assert.equal(r.code, 2);
  });
});
