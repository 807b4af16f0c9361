import * as assert from 'node:assert/strict';
import { parseMediaSidecar } from '../../../src/core/dataset/media';
import { applyJsonFixes } from '../../../src/core/jsonl/fixes';
import { isPixelBoxFinding, pixelBoxFix } from '../../../src/core/jsonl/pixelBoxes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';

const media = parseMediaSidecar(JSON.stringify({ 'gs://bkt/a.jpg': { width: 640, height: 480 }, 'gs://bkt/v.mp4': { duration: 3 } }), 'x.media.json').media;

function pixelFinding(line: string) {
  const r = validateJsonlText(line, { format: 'image-bounding-box' });
  const d = r.diagnostics.find(isPixelBoxFinding);
  assert.ok(d, `expected a pixel box finding, got ${r.diagnostics.map((x) => x.code).join(', ')}`);
  return d;
}

describe('pixel boxes → relative boxes (media sidecar sizes)', () => {
  it('normalises all four coordinates of the box the finding is on, keeping the rest of the line', () => {
    const line = '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 64, "yMin": 48, "xMax": 320, "yMax": 480}]}';
    const d = pixelFinding(line);
    const fix = pixelBoxFix(line, d.column, media);
    assert.ok(fix);
    assert.deepEqual([fix.width, fix.height], [640, 480]);
    const fixed = applyJsonFixes(line, fix.fixes);
    assert.equal(fixed, '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 0.1, "yMin": 0.1, "xMax": 0.5, "yMax": 1}]}');
    assert.equal(validateJsonlText(fixed!, { format: 'image-bounding-box' }).diagnostics.filter((x) => x.severity === 'error').length, 0);
  });

  it('fixes the second box of a line without touching the first', () => {
    const line = '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 0.1, "yMin": 0.1, "xMax": 0.2, "yMax": 0.2}, {"displayName": "dog", "xMin": 320, "yMin": 0, "xMax": 640, "yMax": 240}]}';
    const d = pixelFinding(line);
    const fix = pixelBoxFix(line, d.column, media)!;
    assert.deepEqual(fix.fixes.map((f) => f.path), [
      ['boundingBoxAnnotations', 1, 'xMin'],
      ['boundingBoxAnnotations', 1, 'yMin'],
      ['boundingBoxAnnotations', 1, 'xMax'],
      ['boundingBoxAnnotations', 1, 'yMax'],
    ]);
    assert.deepEqual(fix.fixes.map((f) => f.value), [0.5, 0, 1, 0.5]);
  });

  it('offers nothing without a known image size, or when the box does not fit the image', () => {
    const unknown = '{"imageGcsUri": "gs://bkt/other.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 64, "yMin": 48, "xMax": 320, "yMax": 400}]}';
    assert.equal(pixelBoxFix(unknown, pixelFinding(unknown).column, media), undefined);
    const tooWide = '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 64, "yMin": 48, "xMax": 900, "yMax": 400}]}';
    assert.equal(pixelBoxFix(tooWide, pixelFinding(tooWide).column, media), undefined);
  });

  it('offers nothing when the line changed under the finding', () => {
    const line = '{"imageGcsUri": "gs://bkt/a.jpg", "boundingBoxAnnotations": [{"displayName": "cat", "xMin": 64, "yMin": 48, "xMax": 320, "yMax": 400}]}';
    const d = pixelFinding(line);
    assert.equal(pixelBoxFix('{"imageGcsUri": "gs://bkt/a.jpg"}', d.column, media), undefined);
    assert.equal(pixelBoxFix('not json', d.column, media), undefined);
  });
});
