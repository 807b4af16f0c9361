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

  it('no rename onto a key the object already has (it would make a duplicate key)', () => {
    const line = '{"textContent":"Acme hired Bob","textSegmentAnnotations":[{"displayName":"org","startOffset":0,"endOffset":4}],"textSegmentAnnotation":{"displayName":"person","startOffset":11,"endOffset":14}}';
    const found = validateJsonlText(line + '\n', { format: 'text-extraction' }).diagnostics;
    const unknown = found.find((d) => d.code === 'schema.unknownKey');
    assert.ok(unknown, found.map((d) => d.code).join(', '));
    // Alone, the fix changes nothing (the editor offers no quick fix then); with the line's other fixes, those still apply.
    assert.equal(applyJsonFixes(line, fixesOf(unknown.data)), line);
    assert.equal(
      applyJsonFixes(line.replace('"startOffset":0', '"startOffset":"0"'), found.flatMap((x) => fixesOf(x.data)).concat([{ path: ['textSegmentAnnotations', 0, 'startOffset'], value: 0 }])),
      line,
    );
    // Without the plural key the rename applies as before.
    const alone = '{"textContent":"Acme hired Bob","textSegmentAnnotation":{"displayName":"person","startOffset":11,"endOffset":14}}';
    const d = validateJsonlText(alone + '\n', { format: 'text-extraction' }).diagnostics.find((x) => x.code === 'schema.unknownKey');
    assert.equal(applyJsonFixes(alone, fixesOf(d?.data)), alone.replace('"textSegmentAnnotation"', '"textSegmentAnnotations"'));
  });
});
