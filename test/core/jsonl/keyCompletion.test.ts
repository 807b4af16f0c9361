import * as assert from 'node:assert/strict';
import { keyCompletions, labelsOnItem } from '../../../src/core/jsonl/complete';
import { cursorContext } from '../../../src/core/jsonl/cursor';
import { validateJsonlText } from '../../../src/core/jsonl/validate';
import { FORMAT_SCHEMAS } from '../../../src/core/schemas';
import type { JsonlFormatId } from '../../../src/core/formats';

/** The completions at `|` in `line`, each applied with its placeholders' defaults. */
function complete(format: JsonlFormatId, marked: string): Map<string, string> {
  const offset = marked.indexOf('|');
  const line = marked.replace('|', '');
  const out = new Map<string, string>();
  for (const k of keyCompletions(FORMAT_SCHEMAS[format], line, offset, cursorContext(line, offset))) {
    const text = k.snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
    out.set(k.label, line.slice(0, k.start) + text + line.slice(k.end));
  }
  return out;
}

describe('core/jsonl/complete: key completion', () => {
  it('offers the keys of the object at the cursor that it does not have yet', () => {
    const keys = [...complete('image-classification-single-label', '{"imageGcsUri":"gs://bkt/a.jpg", "|"}').keys()];
    assert.deepEqual(keys.sort(), ['classificationAnnotation', 'dataItemResourceLabels']);
  });

  it('does not offer textGcsUri beside textContent, or the other way round: an item has one document', () => {
    for (const format of ['text-classification-single-label', 'text-classification-multi-label', 'text-extraction', 'text-sentiment'] as const) {
      for (const has of ['"textContent":"a fine day"', '"textGcsUri":"gs://bkt/a.txt"']) {
        const keys = [...complete(format, `{${has}, "|"}`).keys()];
        assert.ok(!keys.includes('textContent') && !keys.includes('textGcsUri'), `${format} with ${has}: ${keys.join(', ')}`);
        assert.ok(keys.length > 0);
        for (const [key, line] of complete(format, `{${has}, "|"}`)) {
          assert.ok(!validateJsonlText(line, { format }).diagnostics.some((d) => d.code === 'text.source' || d.code === 'jsonl.syntax'), `${format}: ${key} gives ${line}`);
        }
      }
      // Without either, both are offered.
      const keys = [...complete(format, '{"|"}').keys()];
      assert.ok(keys.includes('textContent') && keys.includes('textGcsUri'), keys.join(', '));
    }
  });

  it('adds a comma when a member follows, so the line stays one JSON object', () => {
    for (const marked of ['{"|""imageGcsUri":"gs://bkt/a.jpg"}', '{"|" "imageGcsUri":"gs://bkt/a.jpg"}', '{"imageGcsUri":"gs://bkt/a.jpg", "|"}', '{"|"}']) {
      const done = complete('image-bounding-box', marked);
      assert.ok(done.size > 0, marked);
      for (const [key, line] of done) assert.doesNotThrow(() => JSON.parse(line), `${marked} + ${key}: ${line}`);
    }
    const inBox = complete('image-bounding-box', '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"|""displayName":"cat"}]}');
    const box = inBox.get('xMin, yMin, xMax, yMax');
    assert.ok(box);
    assert.deepEqual(JSON.parse(box).boundingBoxAnnotations, [{ xMin: 0.1, yMin: 0.1, xMax: 0.9, yMax: 0.9, displayName: 'cat' }]);
    for (const [key, line] of inBox) assert.doesNotThrow(() => JSON.parse(line), `${key}: ${line}`);
  });

  it('writes numbers for keys that take a number or a numeric string (ruling 2: emit numbers)', () => {
    const cases: [JsonlFormatId, string, string, unknown][] = [
      ['image-bounding-box', '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"cat","|"}]}', 'xMin', 0],
      ['text-extraction', '{"textContent":"a cat","textSegmentAnnotations":[{"displayName":"animal","|"}]}', 'startOffset', 0],
      ['text-sentiment', '{"textContent":"good","sentimentAnnotation":{"|"}}', 'sentimentMax', 0],
      ['video-object-tracking', '{"videoGcsUri":"gs://bkt/a.mp4","temporalBoundingBoxAnnotations":[{"|"}]}', 'instanceId', 0],
    ];
    for (const [format, marked, key, value] of cases) {
      const line = complete(format, marked).get(key);
      assert.ok(line, `${format}: ${key}`);
      const found = JSON.stringify(JSON.parse(line), (k, v) => (k === key ? { value: v } : v));
      assert.ok(found.includes(`"${key}":{"value":${JSON.stringify(value)}}`), `${format}: ${line}`);
      assert.ok(!validateJsonlText(line, { format }).diagnostics.some((d) => d.code === 'value.quotedNumber' || d.code === 'value.number'), line);
    }
  });

  it('renames a key in place when it already has its colon', () => {
    const done = complete('image-classification-single-label', '{"imageGcsUri":"gs://bkt/a.jpg","classif|": {"displayName":"cat"}}');
    assert.equal(done.get('classificationAnnotation'), '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation": {"displayName":"cat"}}');
  });

  it('offers the ml_use key in dataItemResourceLabels', () => {
    const done = complete('video-classification', '{"videoGcsUri":"gs://bkt/a.mp4","dataItemResourceLabels":{"|"}}');
    assert.deepEqual(JSON.parse(done.get('aiplatform.googleapis.com/ml_use')!), { videoGcsUri: 'gs://bkt/a.mp4', dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': '' } });
  });
});

describe('core/jsonl/complete: labels already on the item', () => {
  it('a multi-label item leaves out the labels its other annotations have', () => {
    const line = '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotations":[{"displayName":"cat"},{"displayName":"dog"},{"displayName":"c"}]}';
    const at = line.lastIndexOf('"c"') + 2;
    const ctx = cursorContext(line, at);
    assert.deepEqual(ctx.path, ['classificationAnnotations', 2, 'displayName']);
    assert.deepEqual([...labelsOnItem(line, ctx.path)].sort(), ['cat', 'dog']);
  });

  it('boxes may share a label: nothing is left out there', () => {
    const line = '{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[{"displayName":"car"},{"displayName":"c"}]}';
    assert.deepEqual([...labelsOnItem(line, ['boundingBoxAnnotations', 1, 'displayName'])], []);
  });
});
