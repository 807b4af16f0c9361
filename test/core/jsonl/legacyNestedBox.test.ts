import * as assert from 'node:assert/strict';
import { applyJsonFixes, fixesOf } from '../../../src/core/jsonl/fixes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';

const format = 'image-bounding-box';

describe('legacy boundingBox.normalizedVertices on an annotation: the fix', () => {
  it('puts the corners on the annotation and removes the legacy object, keeping the rest of the line', () => {
    const line =
      '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "boundingBox": {"normalizedVertices": [{"x": 0.1, "y": 0.2}, {"x": 0.5, "y": 0.2}, {"x": 0.5, "y": 0.6}, {"x": 0.1, "y": 0.6}]}}]}';
    const d = validateJsonlText(line, { format }).diagnostics.find((x) => x.code === 'legacy.boundingBox');
    assert.ok(d);
    const fixed = applyJsonFixes(line, fixesOf(d.data));
    assert.ok(fixed);
    assert.ok(!fixed.includes('\n'));
    assert.deepEqual(JSON.parse(fixed).boundingBoxAnnotations, [{ displayName: 'cat', xMin: 0.1, yMin: 0.2, xMax: 0.5, yMax: 0.6 }]);
    assert.ok(fixed.startsWith('{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat"'), fixed);
    const after = validateJsonlText(fixed, { format });
    assert.deepEqual(after.diagnostics.filter((x) => x.severity === 'error' && x.code !== 'value.gcsUri'), []);
  });

  it("offers no fix when the annotation has coordinates of its own (which to keep is the user's call)", () => {
    const line = '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 0.3, "boundingBox": {"normalizedVertices": [{"x": 0.1, "y": 0.2}, {"x": 0.5, "y": 0.6}]}}]}';
    const d = validateJsonlText(line, { format }).diagnostics.find((x) => x.code === 'legacy.boundingBox');
    assert.ok(d);
    assert.deepEqual(fixesOf(d.data), []);
  });
});
