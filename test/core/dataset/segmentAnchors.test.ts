// Time segments keep the anchor of their line as numbers, made a location only for a finding
// (video.overlap, video.segmentOutside). Deferred anchors (the CLI) must give exactly what eager
// ones give, and a CSV row's segment findings sit on its path cell.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DatasetAccumulator, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset/accumulator';
import type { MediaTable } from '../../../src/core/dataset/media';
import { validateCsvFile } from '../../../src/core/csv/validate';
import { validateJsonlFile } from '../../../src/core/jsonl/validate';

const ML_USE = 'aiplatform.googleapis.com/ml_use';

const segmentArb = fc.record({ label: fc.constantFrom('run', 'jump', 'Bad label'), start: fc.constantFrom(0, 2, 5, 9), length: fc.constantFrom(1, 4, 8, 30) });
const lineArb = fc.record({
  video: fc.integer({ min: 0, max: 6 }),
  segments: fc.array(segmentArb, { minLength: 0, maxLength: 3 }),
  split: fc.constantFrom('training', 'test', undefined),
  pad: fc.constantFrom('', ' ', '   '),
  blank: fc.boolean(),
});
type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

function render(l: Line): string {
  if (l.blank) return '';
  const item: Record<string, unknown> = { videoGcsUri: `gs://bkt-x/v/${l.video}.mp4` };
  item.timeSegmentAnnotations = l.segments.map((s) => ({ displayName: s.label, startTime: `${s.start}s`, endTime: `${s.start + s.length}s` }));
  if (l.split) item.dataItemResourceLabels = { [ML_USE]: l.split };
  // Padding moves the URI's columns, so anchors found again must land on them.
  return l.pad + JSON.stringify(item).replace('"videoGcsUri":', `"videoGcsUri":${l.pad}`);
}

async function run(paths: string[], lazy: boolean, options: DatasetOptions): Promise<DatasetResult> {
  const acc = new DatasetAccumulator('video-classification', options);
  for (const path of paths) {
    acc.addFile(path);
    await validateJsonlFile(path, { format: 'video-classification', lazyAnchors: lazy, onItem: (f) => acc.add(f, path) });
  }
  return acc.finish();
}

describe('time segment anchors', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-segments-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('deferred anchors give what eager anchors give (overlaps, segments past the video, several files)', async () => {
    const media: MediaTable = new Map([0, 1, 2, 3].map((v) => [`gs://bkt-x/v/${v}.mp4`, { duration: 12 }]));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(lineArb, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 3 }), async (files, maxRelated) => {
        const paths = files.map((lines, f) => {
          const path = join(dir, `f${f}.jsonl`);
          writeFileSync(path, lines.map(render).join('\n'));
          return path;
        });
        const options: DatasetOptions = { media, maxRelated, maxPerCode: 6 };
        const eager = await run(paths, false, options);
        const lazy = await run(paths, true, options);
        assert.deepEqual(lazy, eager);
        for (const d of eager.diagnostics) seen.add(d.code);
      }),
      { numRuns: 120 },
    );
    assert.ok(seen.has('video.overlap') && seen.has('video.segmentOutside'), [...seen].join(', '));
  });

  it('a CSV row\'s segment findings sit on its path cell, the overlapped segment as the related location', async () => {
    const path = join(dir, 'segments.csv');
    // The second row runs over two lines (a quoted start time); its path is quoted.
    writeFileSync(path, 'training,gs://bkt-x/v/1.mp4,run,0,10\ntraining,"gs://bkt-x/v/1.mp4",run,"5\n",20\n');
    const acc = new DatasetAccumulator('video-classification', { media: new Map([['gs://bkt-x/v/1.mp4', { duration: 15 }]]) });
    acc.addFile(path);
    await validateCsvFile(path, { format: 'video-classification', onItem: (f) => acc.add(f, path) });
    const found = acc.finish().diagnostics.filter((d) => d.code.startsWith('video.'));
    assert.deepEqual(
      found.map((d) => [d.code, d.line, d.column, d.endLine, d.endColumn, d.related?.map((r) => [r.line, r.column, r.endColumn])]),
      [
        ['video.overlap', 2, 10, 2, 30, [[1, 10, 28]]],
        ['video.segmentOutside', 2, 10, 2, 30, undefined],
      ],
    );
  });
});
