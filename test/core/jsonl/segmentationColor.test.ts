import * as assert from 'node:assert/strict';
import { applyJsonFixes, fixesOf } from '../../../src/core/jsonl/fixes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';

const line = (color: string) =>
  `{"imageGcsUri":"gs://bkt/a.jpg","segmentationAnnotation":{"categoryMaskGcsUri":"gs://bkt/m.png","annotationSpecColors":[{"color":${color},"displayName":"road"}]}}`;

/** The line after "fix all" of segmentation.color (every finding's fixes, applied together as the editor does). */
function fixAll(text: string): string {
  const r = validateJsonlText(text, { format: 'image-segmentation' });
  const found = r.diagnostics.filter((d) => d.code === 'segmentation.color');
  assert.ok(found.length > 0);
  const seen = new Set<string>();
  const fixes = found.flatMap((d) => fixesOf(d.data)).filter((f) => !seen.has(JSON.stringify(f)) && !!seen.add(JSON.stringify(f)));
  return applyJsonFixes(text, fixes)!;
}

const colorOf = (text: string) => JSON.parse(text).segmentationAnnotation.annotationSpecColors[0].color;

describe('segmentation colours written in 0..255: the fix', () => {
  it('divides every channel of the colour, also those not above 1 (green 1 of 255 is 1/255, not 1.0)', () => {
    assert.deepEqual(colorOf(fixAll(line('{"red":255,"green":1,"blue":0}'))), { red: 1, green: 0.003922, blue: 0 });
    assert.deepEqual(colorOf(fixAll(line('{"red":128,"green":0,"blue":64,"alpha":255}'))), { red: 0.501961, green: 0, blue: 0.25098, alpha: 1 });
    // Each finding's own fix is the whole colour: fixing one channel alone would leave a wrong colour.
    const one = validateJsonlText(line('{"red":255,"green":1,"blue":0}'), { format: 'image-segmentation' }).diagnostics.find((d) => d.code === 'segmentation.color')!;
    assert.equal(fixesOf(one.data).length, 3);
    assert.match(one.message, /divide each of its channels by 255/);
  });

  it('offers no fix for a colour mixing 0..255 and fractions (no one scale fits)', () => {
    const r = validateJsonlText(line('{"red":200,"green":0.5,"blue":0}'), { format: 'image-segmentation' });
    const d = r.diagnostics.find((x) => x.code === 'segmentation.color')!;
    assert.deepEqual(fixesOf(d.data), []);
  });

  it('keeps a colour already in fractions except the channel out of range', () => {
    const r = validateJsonlText(line('{"red":0.2,"green":0.4,"blue":0.6,"alpha":200}'), { format: 'image-segmentation' });
    const d = r.diagnostics.find((x) => x.code === 'segmentation.color')!;
    assert.deepEqual(fixesOf(d.data).map((f) => f.path[f.path.length - 1]), ['alpha']);
    assert.deepEqual(colorOf(fixAll(line('{"red":0.2,"green":0.4,"blue":0.6,"alpha":200}'))), { red: 0.2, green: 0.4, blue: 0.6, alpha: 0.784314 });
  });
});
