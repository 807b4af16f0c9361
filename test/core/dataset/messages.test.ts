import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { DATASET_CODES } from '../../../src/core/dataset/codes';

// Messages the user reads: counts in the right number, figures that do not contradict the threshold.

interface JsonDiag {
  line: number;
  code: string;
  message: string;
}

function diags(out: string): JsonDiag[] {
  return (JSON.parse(out) as { files: { diagnostics: JsonDiag[] }[] }).files.flatMap((f) => f.diagnostics);
}

const box = (label: string, xMin: number, yMin: number, xMax: number, yMax: number) => ({ displayName: label, xMin, yMin, xMax, yMax });

describe('dataset messages (real files through the CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-messages-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stats: one error, one warning and one item are singular', async () => {
    const lines: object[] = [];
    for (const label of ['cat', 'dog']) for (let i = 0; i < 10; i++) lines.push({ imageGcsUri: `gs://bkt/${label}${i}.jpg`, classificationAnnotation: { displayName: label } });
    lines.push(lines[0]); // an identical repeat: one warning
    lines.push({ imageGcsUri: 'gs://bkt/cat1.jpg', classificationAnnotation: { displayName: 'dog' } }); // a conflict: one error
    writeFileSync(join(dir, 'one.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const v = await cli(['validate', '--output', 'json', 'one.jsonl'], dir);
    assert.deepEqual(diags(v.out).map((d) => d.code), ['duplicate.repeat', 'duplicate.conflict']);
    let r = await cli(['stats', 'one.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /problems: 1 error, 1 warning \(run/);
    const sentiment = [
      { textContent: 'a', sentimentAnnotation: { sentiment: 0, sentimentMax: 1 } },
      { textContent: 'b', sentimentAnnotation: { sentiment: 1, sentimentMax: 2 } },
      { textContent: 'c', sentimentAnnotation: { sentiment: 1, sentimentMax: 2 } },
    ];
    writeFileSync(join(dir, 'sentiment.jsonl'), sentiment.map((l) => JSON.stringify(l)).join('\n') + '\n');
    r = await cli(['stats', 'sentiment.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /sentimentMax: 1 \(1 item\), 2 \(2 items\)/);
  });

  it('box.tooSmall never shows an edge rounded up to the 1% it falls short of', async () => {
    const lines = [
      { imageGcsUri: 'gs://bkt/a.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.1099, 0.3)] },
      { imageGcsUri: 'gs://bkt/b.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.3, 0.10999)] },
      // Exactly 1% (0.11 - 0.1 is 0.00999... in floating point): no finding.
      { imageGcsUri: 'gs://bkt/c.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.11, 0.11)] },
      // Short in height only: the 1% width (0.00999... in floating point) shows as 0.01.
      { imageGcsUri: 'gs://bkt/d.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.11, 0.105)] },
    ];
    writeFileSync(join(dir, 'edges.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await cli(['validate', '--output', 'json', 'edges.jsonl'], dir);
    const small = diags(r.out).filter((d) => d.code === 'box.tooSmall');
    assert.deepEqual(small.map((d) => d.line), [1, 2, 4]);
    assert.match(small[0].message, /is 0\.0099 × 0\.2 of the image/);
    assert.match(small[1].message, /is 0\.2 × 0\.00999 of the image/);
    assert.match(small[2].message, /is 0\.01 × 0\.005 of the image/);
  });

  it('box.tooSmallPx never shows a side rounded up to the 8 px it falls short of', async () => {
    const lines = [{ imageGcsUri: 'gs://bkt/a.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.199999, 0.5)] }];
    writeFileSync(join(dir, 'px.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'px.jsonl.media.json'), JSON.stringify({ 'gs://bkt/a.jpg': { width: 80, height: 80 } }));
    const r = await cli(['validate', '--output', 'json', 'px.jsonl'], dir);
    const small = diags(r.out).filter((d) => d.code === 'box.tooSmallPx');
    assert.equal(small.length, 1, r.out);
    assert.match(small[0].message, /is 7\.9999 × 32 px in the 80×80 image/);
  });

  it('mlUse.videoValidation names the allowed values as "training" or "test"', async () => {
    const line = { videoGcsUri: 'gs://bkt/v.mp4', timeSegmentAnnotations: [{ displayName: 'run', startTime: '0s', endTime: '1s' }], dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': 'validation' } };
    writeFileSync(join(dir, 'video.jsonl'), JSON.stringify(line) + '\n');
    writeFileSync(join(dir, 'video.csv'), 'validation,gs://bkt/v.mp4,run,0,1\n');
    for (const f of ['video.jsonl', 'video.csv']) {
      const r = await cli(['validate', '--output', 'json', '--format', 'video-classification', f], dir);
      const d = diags(r.out).find((x) => x.code === 'mlUse.videoValidation');
      assert.ok(d, r.out);
      assert.match(d.message, /ml_use must be "training" or "test"\./);
    }
  });
  it('a video item marked validation is one mlUse.videoValidation error on its line (with its fix), and no dataset-level code repeats it', async () => {
    const line = (i: number, use: string) => JSON.stringify({ videoGcsUri: `gs://bkt/v${i}.mp4`, timeSegmentAnnotations: [{ displayName: 'run', startTime: '0s', endTime: '1s' }], dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': use } });
    writeFileSync(join(dir, 'video-splits.jsonl'), [line(1, 'validation'), line(2, 'training'), line(3, 'validation'), line(4, 'test')].join('\n') + '\n');
    writeFileSync(join(dir, 'video-splits.csv'), 'validation,gs://bkt/v1.mp4,run,0,1\ntraining,gs://bkt/v2.mp4,run,0,1\nVALIDATION,gs://bkt/v3.mp4,run,0,1\ntest,gs://bkt/v4.mp4,run,0,1\n');
    for (const f of ['video-splits.jsonl', 'video-splits.csv']) {
      const r = await cli(['validate', '--output', 'json', '--format', 'video-classification', f], dir);
      const all = diags(r.out);
      assert.deepEqual(all.filter((d) => d.code.endsWith('videoValidation')).map((d) => `${d.line} ${d.code}`), ['1 mlUse.videoValidation', '3 mlUse.videoValidation'], r.out);
    }
    // The dataset-level code could never fire (the line check drops the value before the dataset
    // checks see it): it is not in the registry the README and the editor's code links come from.
    assert.ok(!DATASET_CODES.some((c) => c.code === 'split.videoValidation'));
  });
  it('counts of one are singular in every message (columns, fields, lines, items, uses, boxes)', async () => {
    const files: [string, string, string[], RegExp][] = [
      ['box.csv', 'gs://bkt/a.jpg,cup\n', ['--format', 'image-bounding-box'], /this row has 1 column there/],
      ['sent.csv', 'hello,1\n', ['--format', 'text-sentiment'], /this row has 1 column there/],
      ['vid.csv', 'gs://bkt/a.mp4,run\n', ['--format', 'video-classification'], /this row has 1 column there/],
      ['var.csv', 'gs://bkt/a.mp4,0\n', ['--format', 'video-action-recognition'], /this row has 1 column after the path/],
      ['vot.csv', 'gs://bkt/a.mp4,car\n', ['--format', 'video-object-tracking'], /this row has 1 column there/],
      ['tab.csv', 'a,b\n1\n', ['--format', 'tabular'], /This row has 1 field but the header has 2/],
      ['quote.csv', 'gs://bkt/a.jpg,"cat\n', ['--format', 'image-classification-single-label'], /taking in 1 line\./],
      ['ee.jsonl', JSON.stringify({ textContent: 'Alice here', textSegmentAnnotations: [{ startOffset: 0, endOffset: 5, displayName: 'person' }] }) + '\n', [], /is annotated 1 time;/],
      ['split.csv', 'test,gs://bkt/a.mp4,run,0,1\ngs://bkt/b.mp4,run,0,1\n', ['--format', 'video-classification'], /ml_use puts 1 item in splits but none in training/],
    ];
    for (const [name, text, args, expected] of files) {
      writeFileSync(join(dir, name), text);
      const r = await cli(['validate', ...args, name], dir);
      assert.match(r.out, expected, name);
      assert.doesNotMatch(r.out, /\b1 (columns|fields|items|times|lines)\b|line\(s\)/, name);
    }
    writeFileSync(join(dir, 'track.csv'), 'gs://bkt/a.mp4,car,1,1,0.1,0.1,0.5,0.5\n');
    const r = await cli(['stats', '--format', 'video-object-tracking', 'track.csv'], dir);
    assert.match(r.out, /tracking: 1 box on 1 frame, 1 instance\n/);
  });
  it('video.overlap writes an open end as Infinity (the import format\'s word for the end of the video), not "Infinitys"', async () => {
    const seg = (startTime: string, endTime: string) => ({ displayName: 'walk', startTime, endTime });
    const line = { videoGcsUri: 'gs://bkt/v.mp4', timeSegmentAnnotations: [seg('0s', 'Infinity'), seg('1.5s', 'Infinity')] };
    writeFileSync(join(dir, 'open.jsonl'), JSON.stringify(line) + '\n');
    writeFileSync(join(dir, 'open.csv'), 'gs://bkt/v.mp4,walk,0,inf\ngs://bkt/v.mp4,walk,1.5,inf\n');
    for (const f of ['open.jsonl', 'open.csv']) {
      const r = await cli(['validate', '--output', 'json', '--format', 'video-classification', f], dir);
      const d = diags(r.out).find((x) => x.code === 'video.overlap');
      assert.ok(d, r.out);
      assert.match(d.message, /Segment "walk" 1\.5s–Infinity overlaps 0s–Infinity of the same label/);
    }
  });
  it('stats on files without items says why for each file (as validate would), not only "no items found"', async () => {
    writeFileSync(join(dir, 'odd.csv'), 'gs://bkt/v.mp4,0,mp,2\n');
    writeFileSync(join(dir, 'blank.csv'), '\n\n');
    // The reader finds the bad byte on line 2 before the format is decided: the reason given is still line 1's.
    writeFileSync(join(dir, 'odd2.csv'), Buffer.concat([Buffer.from('gs://bkt/v.mp4,0,mp,2\ngs://bkt/w.mp4,0,mp,'), Buffer.from([0xff]), Buffer.from('\n')]));
    const r = await cli(['stats', 'odd.csv', 'blank.csv', 'odd2.csv'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /^vertex-datasets stats: no items found in odd\.csv, blank\.csv, odd2\.csv\n/);
    assert.match(r.err, /\n  odd\.csv:1:1: format\.unknown: Could not tell which import format this CSV is/);
    assert.match(r.err, /\n  odd2\.csv:1:1: format\.unknown: Could not tell which import format this CSV is/);
    assert.match(r.err, /\n  blank\.csv:1:1: file\.empty: The file is empty/);
  });
  it('a media sidecar with a bad row adds its findings but none of its rows to the item count', async () => {
    const lines = [0, 1, 2].map((i) => ({ imageGcsUri: `gs://bkt/${i}.jpg`, boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.5, 0.5)] }));
    writeFileSync(join(dir, 'shop.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'shop.jsonl.media.csv'), 'uri,width,height\ngs://bkt/0.jpg,640,480\ngs://bkt/1.jpg,640,480\ngs://bkt/2.jpg,640\n');
    let r = await cli(['validate', 'shop.jsonl'], dir);
    assert.match(r.out, /shop\.jsonl\.media\.csv:4:1: warning sidecar\.invalid/);
    assert.match(r.out, /\n2 files, 3 items: 0 errors, \d+ warnings\n$/);
    r = await cli(['validate', '--output', 'json', 'shop.jsonl'], dir);
    const files = (JSON.parse(r.out) as { files: { path: string; items: number }[] }).files;
    assert.deepEqual(files.map((f) => [f.path, f.items]), [['shop.jsonl', 3], ['shop.jsonl.media.csv', 0]]);
  });
  it('dataset.tooFewAnnotations: "1 bounding box", not "1 bounding boxe"', async () => {
    writeFileSync(join(dir, 'onebox.jsonl'), JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.5, 0.5)] }) + '\n');
    const r = await cli(['validate', '--output', 'json', 'onebox.jsonl'], dir);
    const d = diags(r.out).find((x) => x.code === 'dataset.tooFewAnnotations');
    assert.ok(d, r.out);
    assert.match(d.message, /^The dataset has 1 bounding box; /);
  });
  it('stats counts every problem of a file, as validate does, not the first 1,000', async () => {
    // 1,500 lines with an invalid bucket name: 1,500 line errors.
    const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 2}` } }));
    writeFileSync(join(dir, 'many.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'many.csv'), Array.from({ length: 1500 }, (_, i) => `gs://b/${i}.jpg,l${i % 2}`).join('\n') + '\n');
    for (const f of ['many.jsonl', 'many.csv']) {
      const v = await cli(['validate', '--output', 'json', f], dir);
      const file = (JSON.parse(v.out) as { files: { errors: number; warnings: number }[] }).files[0];
      assert.equal(file.errors, 1500, f);
      const r = await cli(['stats', '--output', 'json', f], dir);
      assert.equal(r.code, 0, r.err);
      const problems = (JSON.parse(r.out) as { datasets: { problems: { errors: number; warnings: number; infos: number } }[] }).datasets[0].problems;
      assert.deepEqual({ errors: problems.errors, warnings: problems.warnings }, { errors: file.errors, warnings: file.warnings }, f);
    }
  });
  it('stats text escapes control characters in label names (a line break or a terminal escape sequence is not printed raw)', async () => {
    const lines = ['ca\nt', 'x\u001b[31mred', 'plain'].map((label, i) => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: label } }));
    writeFileSync(join(dir, 'control.jsonl'), lines.join('\n') + '\n');
    const r = await cli(['stats', 'control.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /\u001b/);
    assert.match(r.out, /\n  "ca\\nt"\s+1\s/);
    assert.match(r.out, /\n  "x\\u001b\[31mred"\s+1\s/);
    assert.match(r.out, /\n  plain\s+1\s/);
    assert.equal(r.out.split('\n').filter((l) => /^\s+\S.*\s1\s+1\s+0\s+0\s+0\s+1$/.test(l)).length, 3);
  });
  it('validate text output escapes control characters that messages quote from the file (no raw terminal escapes)', async () => {
    const line = (label: string) => JSON.stringify({ imageGcsUri: 'gs://bkt/a\u001b[2J.jpg', classificationAnnotation: { displayName: label } });
    writeFileSync(join(dir, 'esc.jsonl'), [line('cat'), line('dog')].join('\n') + '\n');
    const r = await cli(['validate', 'esc.jsonl'], dir);
    assert.doesNotMatch(r.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.match(r.out, /error duplicate\.conflict: gs:\/\/bkt\/a\\u001b\[2J\.jpg is already on line 1/);
    // JSON output keeps the message as it is (JSON escapes it).
    const j = await cli(['validate', '--output', 'json', 'esc.jsonl'], dir);
    assert.ok(diags(j.out).some((d) => d.message.startsWith('gs://bkt/a\u001b[2J.jpg is already on line 1')));
  });
  it('a file named twice (directly, or also through its folder) is validated once: no line "repeats itself"', async () => {
    const sub = join(dir, 'twice');
    mkdirSync(sub);
    const lines = [0, 1, 2].map((i) => JSON.stringify({ imageGcsUri: `gs://bkt/t${i}.jpg`, classificationAnnotation: { displayName: 'cat' } }));
    writeFileSync(join(sub, 'a.jsonl'), lines.join('\n') + '\n');
    for (const args of [['twice/a.jsonl', 'twice/a.jsonl'], ['twice', join('twice', 'a.jsonl')], ['twice', join(dir, 'twice', 'a.jsonl')]]) {
      const r = await cli(['validate', ...args], dir);
      assert.doesNotMatch(r.out, /duplicate\./, args.join(' '));
      assert.match(r.out, /\n1 file, 3 items: /, args.join(' '));
      const s = await cli(['stats', '--output', 'json', ...args], dir);
      const d = (JSON.parse(s.out) as { datasets: { files: string[]; items: number; rows: number }[] }).datasets[0];
      assert.deepEqual([d.files, d.items, d.rows], [['twice/a.jsonl'], 3, 3], args.join(' '));
    }
  });
  it('a media sidecar found beside the file and also given with --media is read once (its findings are not repeated)', async () => {
    const lines = [0, 1].map((i) => JSON.stringify({ imageGcsUri: `gs://bkt/m${i}.jpg`, boundingBoxAnnotations: [box('cup', 0.1, 0.1, 0.5, 0.5)] }));
    writeFileSync(join(dir, 'side.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'side.jsonl.media.csv'), 'uri,width,height\ngs://bkt/m0.jpg,640\n');
    const r = await cli(['validate', 'side.jsonl', '--media', 'side.jsonl.media.csv', '--media', join(dir, 'side.jsonl.media.csv')], dir);
    assert.equal(r.out.split('\n').filter((l) => l.includes('sidecar.invalid')).length, 1, r.out);
  });
  it('dataset.truncated: "1 more ... finding is not listed"', async () => {
    const line = JSON.stringify({ imageGcsUri: 'gs://bkt/same.jpg', classificationAnnotation: { displayName: 'cat' } });
    writeFileSync(join(dir, 'repeats.jsonl'), Array.from({ length: 1002 }, () => line).join('\n') + '\n');
    const r = await cli(['validate', '--output', 'json', 'repeats.jsonl'], dir);
    const ds = diags(r.out);
    assert.equal(ds.filter((d) => d.code === 'duplicate.repeat').length, 1000);
    const t = ds.find((d) => d.code === 'dataset.truncated');
    assert.ok(t, 'truncated note');
    assert.equal(t.message, '1 more `duplicate.repeat` finding is not listed (at most 1,000 per code).');
  });
  it('--max-problems on a CSV: "1 more problem was not listed"', async () => {
    writeFileSync(join(dir, 'two.csv'), 'gs://b/a.jpg,cat\ngs://b/b.jpg,cat\n');
    const r = await cli(['validate', '--no-dataset-checks', '--format', 'image-classification-single-label', '--max-problems', '1', 'two.csv'], dir);
    assert.match(r.out, /info report\.truncated: 1 more problem was not listed \(limit 1\)\./);
  });
  it('stats text: "… 1 more label" when one label is left out of the table', async () => {
    const lines = Array.from({ length: 51 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://bkt/l${i}.jpg`, classificationAnnotation: { displayName: `label${i}` } }));
    writeFileSync(join(dir, 'labels51.jsonl'), lines.join('\n') + '\n');
    const r = await cli(['stats', 'labels51.jsonl'], dir);
    assert.match(r.out, /\n  … 1 more label \(--output json lists all\)\n/);
  });
  it('video.segmentOutside: a segment starting after the end of the video and open to its end reads "20s–Infinity"', async () => {
    const line = { videoGcsUri: 'gs://bkt/late.mp4', timeSegmentAnnotations: [{ displayName: 'run', startTime: '20s', endTime: 'Infinity' }] };
    writeFileSync(join(dir, 'late.jsonl'), JSON.stringify(line) + '\n');
    writeFileSync(join(dir, 'late.jsonl.media.json'), JSON.stringify({ 'gs://bkt/late.mp4': { duration: 10 } }));
    const r = await cli(['validate', '--output', 'json', '--format', 'video-classification', 'late.jsonl'], dir);
    const d = diags(r.out).find((x) => x.code === 'video.segmentOutside');
    assert.ok(d, r.out);
    assert.match(d.message, /^Segment "run" 20s–Infinity starts after the end of the video \(10 s long per the media sidecar\)/);
  });
});
