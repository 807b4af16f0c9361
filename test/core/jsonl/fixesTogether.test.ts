import * as assert from 'node:assert/strict';
import { applyJsonFixes, fixesOf } from '../../../src/core/jsonl/fixes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';

// "Fix all Vertex import problems" (source.fixAll) applies every finding's fixes of a line together.
describe('fixes of one line applied together', () => {
  it('a renamed ml_use key gets the corrected value (not a second "ml_use" member)', () => {
    const line = '{"imageGcsUri":"gs://bucket/a.jpg", "classificationAnnotation":{"displayName":"x"},   "dataItemResourceLabels": { "ml_use" : "TRAIN" } }';
    const found = validateJsonlText(line + '\n', { format: 'image-classification-single-label' }).diagnostics;
    assert.deepEqual(found.map((d) => d.code).sort(), ['mlUse.invalid', 'mlUse.missingPrefix']);
    const all = found.flatMap((d) => fixesOf(d.data));
    const expected = line.replace('"ml_use" : "TRAIN"', '"aiplatform.googleapis.com/ml_use" : "training"');
    assert.equal(applyJsonFixes(line, all), expected);
    assert.equal(applyJsonFixes(line, [...all].reverse()), expected, 'in either order');
    assert.deepEqual(validateJsonlText(expected + '\n', { format: 'image-classification-single-label' }).diagnostics, []);
  });

  it('a renamed annotation key keeps the fixes of the members inside it', () => {
    const line = '{"imageGcsUri":"gs://bucket/a.jpg","boundingBoxAnnotation":[{"displayName":"x","xMin":"0.1","yMin":0.1,"xMax":0.3,"yMax":0.3}]}';
    const renamed = applyJsonFixes(line, [
      { path: ['boundingBoxAnnotation'], key: 'boundingBoxAnnotations' },
      { path: ['boundingBoxAnnotation', 0, 'xMin'], value: 0.1 },
    ]);
    assert.equal(renamed, line.replace('"boundingBoxAnnotation"', '"boundingBoxAnnotations"').replace('"xMin":"0.1"', '"xMin":0.1'));
  });
});
