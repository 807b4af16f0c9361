import { strict as assert } from 'node:assert';
import { findLocalMedia, isLocalMediaValue, mediaObjectPath, planMediaUris, rewriteMedia } from '../../../src/core/cloud/media';

describe('local media references', () => {
  const lines = [
    '{"imageGcsUri":"photos/a.jpg","classificationAnnotation":{"displayName":"cat"}}',
    '{"imageGcsUri":"gs://bkt/b.jpg"}',
    '',
    '{"imageGcsUri" : "./photos/b \\"q\\".jpg"}',
    'not json',
    '{"imageGcsUri":"https://example.com/c.jpg"}',
    '{"imageGcsUri":"../up/d.jpg"}',
  ];
  const text = lines.join('\n');

  it('finds local paths only (not gs://, not http, not broken lines), with their lines', () => {
    assert.deepEqual(findLocalMedia(text, 'image-classification-single-label').map((r) => [r.line, r.value]), [
      [1, 'photos/a.jpg'],
      [4, './photos/b "q".jpg'],
      [7, '../up/d.jpg'],
    ]);
    assert.equal(isLocalMediaValue('file:///tmp/x.jpg'), true);
    assert.equal(isLocalMediaValue('gs://b/x'), false);
  });

  it('plans media/<relative path> under the destination, without climbing out', () => {
    const refs = findLocalMedia(text, 'image-classification-single-label');
    assert.deepEqual([...planMediaUris(refs, 'gs://bkt/run').values()], ['gs://bkt/run/media/photos/a.jpg', 'gs://bkt/run/media/photos/b "q".jpg', 'gs://bkt/run/media/up/d.jpg']);
    assert.equal(mediaObjectPath('file://C:\\data\\x.jpg'), 'C:/data/x.jpg');
  });

  it('rewrites only the URI tokens, keeping every row on its line and the rest byte for byte', () => {
    const refs = findLocalMedia(text, 'image-classification-single-label');
    const out = rewriteMedia(text, refs, planMediaUris(refs, 'gs://bkt/run'));
    const got = out.text.split('\n');
    assert.equal(got.length, lines.length);
    assert.equal(out.rewritten, 3);
    assert.deepEqual(out.skipped, []);
    assert.equal(got[0], '{"imageGcsUri":"gs://bkt/run/media/photos/a.jpg","classificationAnnotation":{"displayName":"cat"}}');
    assert.equal(got[3], '{"imageGcsUri" : "gs://bkt/run/media/photos/b \\"q\\".jpg"}');
    for (const i of [1, 2, 4, 5]) assert.equal(got[i], lines[i]);
  });

  it('reports a reference whose token is written with different escapes instead of guessing', () => {
    const t = '{"imageGcsUri":"photos\\/a.jpg"}';
    const refs = findLocalMedia(t, 'image-classification-single-label');
    const out = rewriteMedia(t, refs, planMediaUris(refs, 'gs://bkt'));
    assert.equal(out.rewritten, 0);
    assert.equal(out.skipped.length, 1);
    assert.equal(out.text, t);
  });
});
