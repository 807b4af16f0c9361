import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectJsonlFormat } from '../../src/core/jsonl/detect';
import { validateJsonlText } from '../../src/core/jsonl/validate';
import { EDITOR_VALIDATION_HINTS } from '../../src/core/validationHints';

const parse = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('JSONL format detection', () => {
  const dir = join(__dirname, '..', 'fixtures', 'jsonl', 'valid');
  for (const file of readdirSync(dir)) {
    const format = file.replace(/\.jsonl$/, '');
    it(`recognises ${format} from its annotations`, () => {
      const d = detectJsonlFormat(parse(readFileSync(join(dir, file), 'utf8')));
      if (format === 'video-classification') {
        // Classification segments look like action-recognition ones; detection must say it is unsure.
        assert.equal(d.confidence, 'ambiguous');
        assert.deepEqual(d.candidates, ['video-classification', 'video-action-recognition']);
      } else {
        assert.equal(d.confidence, 'certain');
        assert.equal(d.format, format);
      }
    });
  }

  it('is unsure about unlabeled images and lists the candidates', () => {
    const d = detectJsonlFormat([{ imageGcsUri: 'gs://bkt/a.jpg' }]);
    assert.equal(d.confidence, 'ambiguous');
    assert.equal(d.candidates.length, 4);
  });

  it('combines lines: an unlabeled line and a boxed line give bounding boxes', () => {
    const d = detectJsonlFormat([{ imageGcsUri: 'gs://bkt/a.jpg' }, { imageGcsUri: 'gs://bkt/b.jpg', boundingBoxAnnotations: [] }]);
    assert.equal(d.confidence, 'certain');
    assert.equal(d.format, 'image-bounding-box');
  });

  it('recognises legacy and snake_case keys so their findings can be shown', () => {
    assert.equal(detectJsonlFormat([{ imageGcsUri: 'gs://bkt/a.jpg', objectAnnotations: [] }]).format, 'image-bounding-box');
    assert.equal(detectJsonlFormat([{ video_gcs_uri: 'gs://bkt/a.mp4', temporal_bounding_box_annotations: [] }]).format, 'video-object-tracking');
  });

  it('leaves unrelated JSONL alone', () => {
    const d = detectJsonlFormat([{ event: 'click', ts: 1 }, { event: 'view', ts: 2 }]);
    assert.equal(d.confidence, 'none');
    const r = validateJsonlText('{"event":"click"}\n{"event":"view"}\n');
    assert.equal(r.format, undefined);
    assert.deepEqual(r.diagnostics, []);
  });

  it('warns when it had to guess', () => {
    const r = validateJsonlText('{"imageGcsUri":"gs://bkt/a.jpg"}\n');
    assert.equal(r.format, 'image-classification-single-label');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['format.ambiguous']);
  });

  it('the format advice names the way of the surface showing it: --format for the command line, the command and setting in the editor', () => {
    const text = '{"imageGcsUri":"gs://bkt/a.jpg"}\n';
    const cli = validateJsonlText(text).diagnostics.find((d) => d.code === 'format.ambiguous')!.message;
    assert.match(cli, /Choose one with --format\.$/);
    assert.doesNotMatch(cli, /status bar|editor|Choose Import Format/);
    const editor = validateJsonlText(text, { hints: EDITOR_VALIDATION_HINTS }).diagnostics.find((d) => d.code === 'format.ambiguous')!.message;
    assert.match(editor, /Choose one with "Choose Import Format for This File" \(or the vertexDatasets\.formats setting\)\.$/);
    assert.doesNotMatch(editor, /--format|CLI/);
  });

  it('an explicit format wins over detection', () => {
    const r = validateJsonlText('{"imageGcsUri":"gs://bkt/a.jpg","boundingBoxAnnotations":[]}\n', { format: 'image-classification-single-label' });
    assert.equal(r.detection.confidence, 'explicit');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['schema.unknownKey']);
  });
});
