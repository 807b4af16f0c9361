import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonFixes, fixesOf } from '../../../src/core/jsonl/fixes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';
import { gcsUriProblemExact } from '../../../src/core/rules/values';
import { cli } from '../support/cli';

interface JsonDiag {
  line: number;
  column: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

describe('value.gcsPath: empty, "." and ".." segments in a gs:// path', () => {
  const cases: [string, string | undefined][] = [
    ['gs://bkt//x.jpg', 'gs://bkt/x.jpg'],
    ['gs://bkt/a//x.jpg', 'gs://bkt/a/x.jpg'],
    ['gs://bkt/./x.jpg', 'gs://bkt/x.jpg'],
    ['gs://bkt/a/./x.jpg', 'gs://bkt/a/x.jpg'],
    ['gs://bkt/a/../x.jpg', 'gs://bkt/x.jpg'],
    ['gs://bkt/./a//b/../x.jpg', 'gs://bkt/a/x.jpg'],
    ['gs://bkt/../x.jpg', undefined],
    ['gs://bkt/a/../../x.jpg', undefined],
  ];
  for (const [uri, fixed] of cases) {
    it(`${uri}: a warning${fixed ? ` suggesting ${fixed}` : ' without a fix (it leaves the bucket)'}`, () => {
      const p = gcsUriProblemExact(uri, 'image URI');
      assert.equal(p?.code, 'value.gcsPath');
      assert.equal(p?.severity, 'warning');
      assert.equal(p?.replacement, fixed);
      assert.match(p?.message ?? '', /usually a path-join mistake/);
      if (fixed) assert.ok(p?.message.includes(`Use "${fixed}"`), p?.message);
    });
  }

  for (const uri of ['gs://bkt/x.jpg', 'gs://bkt/dir/.hidden.jpg', 'gs://bkt/a/..b.jpg', 'gs://bkt/a.b/c..jpg', 'gs://bkt/a/.../x.jpg']) {
    it(`${uri}: no warning`, () => assert.equal(gcsUriProblemExact(uri, 'image URI'), undefined));
  }

  it('the CLI warns on JSONL and CSV after good lines of the same bucket (the fast paths), and the JSONL fix keeps the rest of the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-gcspath-'));
    try {
      const good = (i: number) => JSON.stringify({ imageGcsUri: `gs://bkt/img/${i}.jpg`, classificationAnnotation: { displayName: 'cat' } });
      const bad = '{"imageGcsUri": "gs://bkt/img//9.jpg",  "classificationAnnotation":{"displayName":"cat"}}';
      writeFileSync(join(dir, 'a.jsonl'), [good(1), good(2), good(3), bad].join('\n') + '\n');
      const r = await cli(['validate', '--no-dataset-checks', '--output', 'json', join(dir, 'a.jsonl')]);
      assert.equal(r.code, 0, 'warnings only');
      const file = (JSON.parse(r.out) as { files: { diagnostics: (JsonDiag & { data?: unknown })[] }[] }).files[0];
      const d = file.diagnostics.filter((x) => x.code === 'value.gcsPath');
      assert.deepEqual(d.map((x) => [x.line, x.column, x.endColumn]), [[4, 17, 38]]);

      // The fix the editor applies: only the URI changes.
      const report = validateJsonlText(bad + '\n', { format: 'image-classification-single-label' });
      const finding = report.diagnostics.find((x) => x.code === 'value.gcsPath');
      assert.ok(finding);
      assert.equal(applyJsonFixes(bad, fixesOf(finding.data)), bad.replace('gs://bkt/img//9.jpg', 'gs://bkt/img/9.jpg'));

      writeFileSync(join(dir, 'a.csv'), 'gs://bkt/img/1.jpg,cat\ngs://bkt/img/2.jpg,dog\ngs://bkt/img/./3.jpg,dog\n');
      const c = await cli(['validate', '--no-dataset-checks', '--output', 'json', '--format', 'image-classification-single-label', join(dir, 'a.csv')]);
      const cd = (JSON.parse(c.out) as { files: { diagnostics: JsonDiag[] }[] }).files[0].diagnostics;
      assert.deepEqual(cd.map((x) => [x.line, x.column, x.endColumn, x.code]), [[3, 1, 21, 'value.gcsPath']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
