import { strict as assert } from 'node:assert';
import { mergeMedia, parseMediaSidecar } from '../../../src/core/dataset';

describe('media sidecar', () => {
  it('reads the JSON object form', () => {
    const { media, problems } = parseMediaSidecar('{"gs://b/a.jpg": {"width": 640, "height": 480}, "gs://b/v.mp4": {"duration": "12.5s"}}', 'x.media.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(media.get('gs://b/a.jpg'), { width: 640, height: 480 });
    assert.deepEqual(media.get('gs://b/v.mp4'), { duration: 12.5 });
  });

  it('reads the JSON array form and reports bad entries', () => {
    const { media, problems } = parseMediaSidecar('[{"uri":"gs://b/a.jpg","width":10,"height":20},{"uri":"gs://b/b.jpg","width":-1,"height":5},{"width":1}]', 'm.json');
    assert.equal(media.size, 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /width of gs:\/\/b\/b\.jpg is -1; expected a positive number of pixels/);
    assert.match(problems[1].message, /is not a uri/);
  });

  it('reports JSON that does not parse instead of throwing', () => {
    const { media, problems } = parseMediaSidecar('{"gs://b/a.jpg": ', 'm.json');
    assert.equal(media.size, 0);
    assert.match(problems[0].message, /not valid JSON/);
  });

  it('reads CSV with a header in any column order, quotes and a BOM', () => {
    const text = '\uFEFFheight,uri,width,duration\r\n480,"gs://b/a,b.jpg",640,\r\n,gs://b/v.mp4,,3600\r\n\r\nx,gs://b/c.jpg,7,\r\n';
    const { media, problems } = parseMediaSidecar(text, 'sizes.csv');
    assert.deepEqual(media.get('gs://b/a,b.jpg'), { width: 640, height: 480 });
    assert.deepEqual(media.get('gs://b/v.mp4'), { duration: 3600 });
    assert.equal(media.has('gs://b/c.jpg'), false);
    assert.deepEqual(problems.map((p) => p.line), [5]);
  });

  it('asks for a header when there is none', () => {
    const { problems } = parseMediaSidecar('gs://b/a.jpg,640,480\n', 'sizes.csv');
    assert.match(problems[0].message, /needs a header row/);
  });

  it('merges sidecars, later ones winning per field', () => {
    const merged = mergeMedia([new Map([['u', { width: 1, height: 2 }]]), new Map([['u', { duration: 3 }]])]);
    assert.deepEqual(merged.get('u'), { width: 1, height: 2, duration: 3 });
  });
});
