import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, Severity } from '../../src/core/diagnostics';
import type { JsonlFormatId } from '../../src/core/formats';
import { validateJsonlFile, validateJsonlText } from '../../src/core/jsonl/validate';

const FIXTURES = join(__dirname, '..', 'fixtures', 'jsonl');

/** The text a diagnostic's range covers on its (single) line. */
function covered(lines: string[], d: Diagnostic): string {
  assert.equal(d.line, d.endLine, `single-line range expected for ${d.code}`);
  return lines[d.line - 1].slice(d.column - 1, d.endColumn - 1);
}

interface Expect {
  code: string;
  /** Exact text under the range. */
  text: string;
  severity?: Severity;
  /** A substring of the message. */
  message?: string | RegExp;
}

interface Case {
  name: string;
  format: JsonlFormatId;
  line: string;
  expect: Expect[];
}

const CASES: Case[] = [
  // JSON syntax and shape
  { name: 'syntax: missing brace', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg"', expect: [{ code: 'jsonl.syntax', text: '"', message: /expected "}"/ }] },
  { name: 'syntax: trailing comma', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg",}', expect: [{ code: 'jsonl.syntax', text: '}' }] },
  { name: 'syntax: single quotes', format: 'image-classification-single-label', line: "{'imageGcsUri':'gs://bkt/a.jpg'}", expect: [{ code: 'jsonl.syntax', text: "'imageGcsUri'" }] },
  { name: 'not an object', format: 'image-classification-single-label', line: '[{"imageGcsUri":"gs://bkt/a.jpg"}]', expect: [{ code: 'jsonl.notObject', text: '[{"imageGcsUri":"gs://bkt/a.jpg"}]', message: 'an array' }] },
  { name: 'duplicate key', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","imageGcsUri":"gs://bkt/b.jpg"}', expect: [{ code: 'jsonl.duplicateKey', text: '"imageGcsUri"', severity: 'warning' }] },
  { name: 'duplicate key with spaces before colon', format: 'image-classification-single-label', line: '{"imageGcsUri" : "gs://bkt/a.jpg", "imageGcsUri" :"gs://bkt/b.jpg"}', expect: [{ code: 'jsonl.duplicateKey', text: '"imageGcsUri"' }] },
  { name: '__proto__ key is just an unknown key', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","__proto__":{"x":1}}', expect: [{ code: 'schema.unknownKey', text: '"__proto__"', severity: 'warning' }] },
  // schema
  { name: 'required media key', format: 'image-classification-single-label', line: '{"classificationAnnotation":{"displayName":"a"}}', expect: [{ code: 'schema.required', text: '{', message: 'imageGcsUri' }] },
  { name: 'required displayName', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{}}', expect: [{ code: 'schema.required', text: '"classificationAnnotation"', message: 'displayName' }] },
  { name: 'wrong type', format: 'image-classification-single-label', line: '{"imageGcsUri":42}', expect: [{ code: 'schema.type', text: '42', message: 'must be a string' }] },
  { name: 'unknown key with suggestion', format: 'image-classification-single-label', line: '{"imageUri":"gs://bkt/a.jpg","imageGcsUri":"gs://bkt/a.jpg"}', expect: [{ code: 'schema.unknownKey', text: '"imageUri"', message: 'Did you mean "imageGcsUri"' }] },
  { name: 'singular annotation key in multi-label', format: 'image-classification-multi-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"}}', expect: [{ code: 'schema.unknownKey', text: '"classificationAnnotation"', message: '"classificationAnnotations"' }] },
  { name: 'snake_case key', format: 'image-classification-single-label', line: '{"image_gcs_uri":"gs://bkt/a.jpg","imageGcsUri":"gs://bkt/a.jpg"}', expect: [{ code: 'schema.unknownKey', text: '"image_gcs_uri"', message: '"imageGcsUri"' }] },
  { name: 'unknown key inside annotation', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":0,"yMin":0,"xMax":1,"yMax":1,"xmax":1}]}', expect: [{ code: 'schema.unknownKey', text: '"xmax"', message: '"xMax"' }] },
  // gs:// URIs and media types
  { name: 'http URL', format: 'image-classification-single-label', line: '{"imageGcsUri":"https://storage.googleapis.com/bkt/a%20b.jpg"}', expect: [{ code: 'value.gcsUri', text: '"https://storage.googleapis.com/bkt/a%20b.jpg"', message: 'gs://bkt/a b.jpg' }] },
  { name: 'local path', format: 'image-classification-single-label', line: '{"imageGcsUri":"./images/a.jpg"}', expect: [{ code: 'value.gcsUri', text: '"./images/a.jpg"', message: 'Cloud Storage only' }] },
  { name: 'bucket with uppercase', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://My-Bucket/a.jpg"}', expect: [{ code: 'value.gcsUri', text: '"gs://My-Bucket/a.jpg"', message: 'lowercase' }] },
  { name: 'bucket too short', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://ab/a.jpg"}', expect: [{ code: 'value.gcsUri', text: '"gs://ab/a.jpg"', message: '3-63' }] },
  { name: 'bucket with google', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://my-google-data/a.jpg"}', expect: [{ code: 'value.gcsUri', text: '"gs://my-google-data/a.jpg"', message: 'google' }] },
  { name: 'no object', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bucket/"}', expect: [{ code: 'value.gcsUri', text: '"gs://bucket/"', message: 'names no object' }] },
  { name: 'single slash', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs:/bucket/a.jpg"}', expect: [{ code: 'value.gcsUri', text: '"gs:/bucket/a.jpg"', message: 'gs://bucket/a.jpg' }] },
  { name: 'wildcard', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bucket/*.jpg"}', expect: [{ code: 'value.gcsUri', text: '"gs://bucket/*.jpg"', severity: 'warning' }] },
  { name: 'media type', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bucket/a.pdf"}', expect: [{ code: 'value.mediaType', text: '"gs://bucket/a.pdf"', severity: 'warning', message: '.pdf' }] },
  { name: 'video media type', format: 'video-classification', line: '{"videoGcsUri":"gs://bucket/a.jpg"}', expect: [{ code: 'value.mediaType', text: '"gs://bucket/a.jpg"' }] },
  { name: 'text media type', format: 'text-classification-single-label', line: '{"textGcsUri":"gs://bucket/a.pdf"}', expect: [{ code: 'value.mediaType', text: '"gs://bucket/a.pdf"' }] },
  // ml_use
  { name: 'ml_use legacy', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"TRAIN"}}', expect: [{ code: 'mlUse.invalid', text: '"TRAIN"', message: 'Did you mean "training"' }] },
  { name: 'ml_use near miss', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"val"}}', expect: [{ code: 'mlUse.invalid', text: '"val"', message: '"validation"' }] },
  { name: 'ml_use unassigned', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"UNASSIGNED"}}', expect: [{ code: 'mlUse.unassigned', text: '"UNASSIGNED"', message: 'remove the ml_use label' }] },
  { name: 'ml_use missing prefix', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"ml_use":"test"}}', expect: [{ code: 'mlUse.missingPrefix', text: '"ml_use"' }] },
  { name: 'ml_use at top level', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","ml_use":"test"}', expect: [{ code: 'mlUse.misplaced', text: '"ml_use"' }] },
  { name: 'ml_use on annotation', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a","annotationResourceLabels":{"aiplatform.googleapis.com/ml_use":"test"}}}', expect: [{ code: 'mlUse.misplaced', text: '"aiplatform.googleapis.com/ml_use"' }] },
  { name: 'video validation split', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"validation"}}', expect: [{ code: 'mlUse.videoValidation', text: '"validation"' }] },
  // resource labels
  { name: 'reserved key on item', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/annotation_set_name":"x"}}', expect: [{ code: 'labels.reserved', text: '"aiplatform.googleapis.com/annotation_set_name"', message: 'annotationResourceLabels' }] },
  { name: 'reserved key typo', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"aiplatform.googleapis.com/mluse":"test"}}', expect: [{ code: 'mlUse.missingPrefix', text: '"aiplatform.googleapis.com/mluse"' }] },
  { name: 'output-only label', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a","annotationResourceLabels":{"aiplatform.googleapis.com/payload_schema":"x"}}}', expect: [{ code: 'labels.reserved', text: '"aiplatform.googleapis.com/payload_schema"', message: 'output-only' }] },
  { name: 'user label key uppercase', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"Env":"prod"}}', expect: [{ code: 'labels.key', text: '"Env"', message: '"env"' }] },
  { name: 'user label value too long', format: 'image-classification-single-label', line: `{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"env":"${'a'.repeat(65)}"}}`, expect: [{ code: 'labels.value', text: `"${'a'.repeat(65)}"`, message: '64' }] },
  { name: 'label value must be string', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{"version":2}}', expect: [{ code: 'schema.type', text: '2' }] },
  { name: 'too many user labels', format: 'image-classification-single-label', line: `{"imageGcsUri":"gs://bkt/a.jpg","dataItemResourceLabels":{${Array.from({ length: 65 }, (_, i) => `"k${i}":"v"`).join(',')}}}`, expect: [{ code: 'labels.tooMany', text: '"dataItemResourceLabels"', message: '65' }] },
  // labels
  { name: 'empty label', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":" "}}', expect: [{ code: 'label.empty', text: '" "' }] },
  { name: 'label with spaces', format: 'image-classification-single-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"cat "}}', expect: [{ code: 'label.whitespace', text: '"cat "', severity: 'warning' }] },
  { name: 'duplicate label on item', format: 'image-classification-multi-label', line: '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotations":[{"displayName":"a"},{"displayName":"a"}]}', expect: [{ code: 'label.duplicate', text: '"a"' }] },
  // boxes
  { name: 'pixel box', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":10,"yMin":20,"xMax":300,"yMax":200}]}', expect: [
    { code: 'box.outOfRange', text: '10', message: 'pixel' }, { code: 'box.outOfRange', text: '20' }, { code: 'box.outOfRange', text: '300' }, { code: 'box.outOfRange', text: '200' }] },
  { name: 'negative coordinate', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":-0.1,"yMin":0,"xMax":0.5,"yMax":0.5}]}', expect: [{ code: 'box.outOfRange', text: '-0.1', message: 'outside 0..1' }] },
  { name: 'swapped min/max', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":0.6,"yMin":0,"xMax":0.2,"yMax":0.5}]}', expect: [{ code: 'box.minMax', text: '0.6', message: 'swapped' }] },
  { name: 'zero-height box', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":0.1,"yMin":0.5,"xMax":0.2,"yMax":0.5}]}', expect: [{ code: 'box.minMax', text: '0.5', message: 'no height' }] },
  { name: 'quoted number is info', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":"0.1","yMin":0,"xMax":0.2,"yMax":0.5}]}', expect: [{ code: 'value.quotedNumber', text: '"0.1"', severity: 'info' }] },
  { name: 'non-numeric coordinate', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":"left","yMin":0,"xMax":0.2,"yMax":0.5}]}', expect: [{ code: 'value.number', text: '"left"' }] },
  { name: 'box member missing', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":0,"yMin":0,"xMax":0.2}]}', expect: [{ code: 'schema.required', text: '{"displayName":"a","xMin":0,"yMin":0,"xMax":0.2}', message: 'yMax' }] },
  // legacy shapes
  { name: 'legacy objectAnnotations', format: 'image-bounding-box', line: '{"imageGcsUri":"gs://bkt/a.jpg","objectAnnotations":[{"boundingBox":{"normalizedVertices":[{"x":0.1,"y":0.2},{"x":0.3,"y":0.4}]},"displayName":"a"}]}', expect: [{ code: 'legacy.boundingBox', text: '"objectAnnotations"', message: 'boundingBoxAnnotations' }] },
  { name: 'legacy actionAnnotations', format: 'video-action-recognition', line: '{"videoGcsUri":"gs://bkt/a.mp4","actionAnnotations":[{"displayName":"run","timeSegment":{"startTimeOffset":"0s","endTimeOffset":"5s"}}]}', expect: [{ code: 'legacy.timeSegment', text: '"actionAnnotations"', message: 'timeSegmentAnnotations' }] },
  { name: 'legacy nested timeSegment', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"run","timeSegment":{"startTimeOffset":"0s","endTimeOffset":"5s"}}]}', expect: [{ code: 'legacy.timeSegment', text: '"timeSegment"' }] },
  { name: 'read-side textSegment', format: 'text-extraction', line: '{"textContent":"hello world","textSegmentAnnotations":[{"displayName":"greeting","textSegment":{"startOffset":0,"endOffset":5}}]}', expect: [
    { code: 'schema.required', text: '{"displayName":"greeting","textSegment":{"startOffset":0,"endOffset":5}}', message: 'startOffset' },
    { code: 'schema.required', text: '{"displayName":"greeting","textSegment":{"startOffset":0,"endOffset":5}}', message: 'endOffset' },
    { code: 'legacy.textSegment', text: '"textSegment"' }] },
  // time
  { name: 'duration without s', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":"1.5","endTime":"3s"}]}', expect: [{ code: 'time.format', text: '"1.5"', message: '"1.5s"' }] },
  { name: 'duration as number', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":1.5,"endTime":"3s"}]}', expect: [{ code: 'time.format', text: '1.5' }] },
  { name: 'start after end', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":"5s","endTime":"3s"}]}', expect: [{ code: 'time.order', text: '"3s"' }] },
  { name: 'zero-length classification segment', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":"3s","endTime":"3s"}]}', expect: [{ code: 'time.order', text: '"3s"' }] },
  { name: 'Infinity start', format: 'video-classification', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":"Infinity"}]}', expect: [{ code: 'time.format', text: '"Infinity"' }] },
  { name: 'nanosecond precision', format: 'video-action-recognition', line: '{"videoGcsUri":"gs://bkt/a.mp4","timeSegmentAnnotations":[{"displayName":"a","startTime":"1.1234567s","endTime":"2s"}]}', expect: [{ code: 'time.precision', text: '"1.1234567s"', severity: 'warning' }] },
  // text
  { name: 'both text sources', format: 'text-classification-single-label', line: '{"textContent":"hi","textGcsUri":"gs://bkt/a.txt"}', expect: [{ code: 'text.source', text: '"textGcsUri"' }] },
  { name: 'no text source', format: 'text-classification-single-label', line: '{"classificationAnnotation":{"displayName":"a"}}', expect: [{ code: 'text.source', text: '{' }] },
  { name: 'empty text', format: 'text-sentiment', line: '{"textContent":"  ","sentimentAnnotation":{"sentiment":0,"sentimentMax":1}}', expect: [{ code: 'text.empty', text: '"  "' }] },
  { name: 'offset order', format: 'text-extraction', line: '{"textContent":"hello world","textSegmentAnnotations":[{"startOffset":5,"endOffset":5,"displayName":"greeting"}]}', expect: [{ code: 'text.offsetOrder', text: '5' }] },
  { name: 'offset past end', format: 'text-extraction', line: '{"textContent":"héllo","textSegmentAnnotations":[{"startOffset":0,"endOffset":6,"displayName":"greeting"}]}', expect: [{ code: 'text.offsetRange', text: '6', message: '5 characters' }] },
  { name: 'negative offset', format: 'text-extraction', line: '{"textContent":"hello","textSegmentAnnotations":[{"startOffset":-1,"endOffset":3,"displayName":"greeting"}]}', expect: [{ code: 'text.offset', text: '-1' }] },
  { name: 'fractional offset', format: 'text-extraction', line: '{"textContent":"hello","textSegmentAnnotations":[{"startOffset":0,"endOffset":"2.5","displayName":"greeting"}]}', expect: [{ code: 'value.integer', text: '"2.5"' }] },
  { name: 'extraction label length', format: 'text-extraction', line: '{"textContent":"hello","textSegmentAnnotations":[{"startOffset":0,"endOffset":3,"displayName":"x"}]}', expect: [{ code: 'label.length', text: '"x"' }] },
  // sentiment
  { name: 'sentiment above max', format: 'text-sentiment', line: '{"textContent":"ok","sentimentAnnotation":{"sentiment":3,"sentimentMax":2}}', expect: [{ code: 'sentiment.range', text: '3' }] },
  { name: 'sentimentMax out of range', format: 'text-sentiment', line: '{"textContent":"ok","sentimentAnnotation":{"sentiment":3,"sentimentMax":11}}', expect: [{ code: 'sentiment.range', text: '11' }] },
  // tracking
  { name: 'bad instance id', format: 'video-object-tracking', line: '{"videoGcsUri":"gs://bkt/a.mp4","temporalBoundingBoxAnnotations":[{"displayName":"car","xMin":0,"yMin":0,"xMax":0.5,"yMax":0.5,"timeOffset":"1s","instanceId":"car-1"}]}', expect: [{ code: 'tracking.instanceId', text: '"car-1"' }] },
  { name: 'capitalised tracking key', format: 'video-object-tracking', line: '{"videoGcsUri":"gs://bkt/a.mp4","TemporalBoundingBoxAnnotations":[]}', expect: [{ code: 'schema.unknownKey', text: '"TemporalBoundingBoxAnnotations"', message: '"temporalBoundingBoxAnnotations"' }] },
  // unverified parts are warnings (ruling 1)
  { name: 'segmentation member missing is a warning', format: 'image-segmentation', line: '{"imageGcsUri":"gs://bkt/a.jpg","segmentationAnnotation":{"categoryMaskGcsUri":"gs://bkt/m.png"}}', expect: [{ code: 'schema.required', text: '"segmentationAnnotation"', severity: 'warning', message: 'annotationSpecColors' }] },
  { name: 'segmentation colour in 0..255', format: 'image-segmentation', line: '{"imageGcsUri":"gs://bkt/a.jpg","segmentationAnnotation":{"categoryMaskGcsUri":"gs://bkt/m.png","annotationSpecColors":[{"color":{"red":255},"displayName":"a"}]}}', expect: [{ code: 'segmentation.color', text: '255', severity: 'warning' }] },
  { name: 'mask must be png', format: 'image-segmentation', line: '{"imageGcsUri":"gs://bkt/a.jpg","segmentationAnnotation":{"categoryMaskGcsUri":"gs://bkt/m.jpg","annotationSpecColors":[]}}', expect: [{ code: 'value.mediaType', text: '"gs://bkt/m.jpg"', severity: 'warning' }] },
];

describe('JSONL rules (table)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-rules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.format}: ${c.name}`, async () => {
      // Line 1 is a valid item so that ranges on line 2 prove line numbers are right.
      const valid = readFileSync(join(FIXTURES, 'valid', `${c.format}.jsonl`), 'utf8').split('\n')[0];
      const text = `${valid}\n${c.line}\n`;
      const fromText = validateJsonlText(text, { format: c.format });
      const path = join(dir, `${c.name.replace(/\W+/g, '_')}.jsonl`);
      writeFileSync(path, text);
      const fromFile = await validateJsonlFile(path, { format: c.format });
      assert.deepEqual(fromFile.diagnostics, fromText.diagnostics, 'file and buffer validation disagree');
      const lines = text.split('\n');
      const got = fromText.diagnostics.map((d) => ({ code: d.code, text: covered(lines, d), severity: d.severity, line: d.line, message: d.message }));
      for (const g of got) assert.equal(g.line, 2, `unexpected diagnostic on line ${g.line}: ${g.code} ${g.message}`);
      assert.equal(got.length, c.expect.length, `expected ${c.expect.map((e) => e.code).join(', ')}; got ${got.map((g) => `${g.code}(${g.text})`).join(', ')}`);
      c.expect.forEach((e, i) => {
        const g = got.find((x, j) => j >= i && x.code === e.code && x.text === e.text) ?? got[i];
        assert.equal(g.code, e.code);
        assert.equal(g.text, e.text, `${e.code} range`);
        if (e.severity) assert.equal(g.severity, e.severity, `${e.code} severity`);
        else if (e.code !== 'value.quotedNumber') assert.ok(g.severity === 'error' || g.severity === 'warning');
        if (e.message) {
          if (typeof e.message === 'string') assert.ok(g.message.includes(e.message), `message "${g.message}" lacks "${e.message}"`);
          else assert.match(g.message, e.message);
        }
      });
    });
  }
});

describe('official examples are valid', () => {
  for (const file of readdirSync(join(FIXTURES, 'valid'))) {
    const format = file.replace(/\.jsonl$/, '') as JsonlFormatId;
    it(format, async () => {
      const result = await validateJsonlFile(join(FIXTURES, 'valid', file), { format });
      const problems = result.diagnostics.filter((d) => d.severity !== 'info');
      assert.deepEqual(problems, []);
      assert.ok(result.items >= 1);
    });
  }
});
