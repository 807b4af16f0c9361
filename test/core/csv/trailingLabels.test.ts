import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCsvFile, validateCsvText } from '../../../src/core/csv/validate';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { cli } from '../support/cli';

const MULTI: FormatId = 'image-classification-multi-label';

/** Findings as [code, severity, line, column, endColumn, data] and the labels of each item. */
function check(text: string, format: FormatId = MULTI) {
  const items: ItemFacts[] = [];
  const r = validateCsvText(text, { format, onItem: (i) => items.push(i) });
  return {
    findings: r.diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.endColumn, d.data]),
    messages: r.diagnostics.map((d) => d.message),
    labels: items.map((i) => i.annotations.map((a) => (a as { label?: string }).label)),
  };
}

describe('CSV: empty label columns at the end of a multi-label row', () => {
  it('gs://b/a.jpg,cat,, is one warning covering the trailing commas (what the quick fix removes), the label kept', () => {
    const r = check('gs://bucket/a.jpg,cat,,\n');
    assert.deepEqual(r.findings, [['label.empty', 'warning', 1, 22, 24, { removeTrailing: true }]]);
    assert.equal(
      r.messages[0],
      "2 empty label columns end this row (trailing commas). In a multi-label CSV every column after the path is a label, and Vertex AI's format has no empty labels; remove the trailing commas.",
    );
    assert.deepEqual(r.labels, [['cat']]);
  });

  it('one trailing comma, quoted empty cells (CRLF), an unlabeled row, after an empty column between labels, text multi-label', () => {
    assert.deepEqual(check('gs://bucket/a.jpg,cat,\n').findings, [['label.empty', 'warning', 1, 22, 23, { removeTrailing: true }]]);
    assert.match(check('gs://bucket/a.jpg,cat,\n').messages[0], /^An empty label column ends this row \(trailing comma\)\. .*remove the trailing comma\.$/);
    assert.deepEqual(check('gs://bucket/a.jpg,cat,"",""\r\n').findings, [['label.empty', 'warning', 1, 22, 28, { removeTrailing: true }]]);
    const unlabeled = check('training,gs://bucket/a.jpg,,\n');
    assert.deepEqual(unlabeled.findings, [['label.empty', 'warning', 1, 27, 29, { removeTrailing: true }]]);
    assert.match(unlabeled.messages[0], /and it has no label\. An unlabeled row is the path alone/);
    assert.deepEqual(unlabeled.labels, [[]]);
    assert.deepEqual(check('gs://bucket/a.jpg,cat,,dog,,\n').findings, [
      ['label.empty', 'warning', 1, 23, 24, { removeCell: true }],
      ['label.empty', 'warning', 1, 27, 29, { removeTrailing: true }],
    ]);
    assert.deepEqual(check('gs://bucket/a.txt,cat,\n', 'text-classification-multi-label').findings, [['label.empty', 'warning', 1, 22, 23, { removeTrailing: true }]]);
  });

  it('genuine rows keep their findings: labels without trailing commas, the path alone, single-label rows', () => {
    assert.deepEqual(check('gs://bucket/a.jpg,cat,dog\ngs://bucket/b.jpg\ntest,gs://bucket/c.jpg,cat\n').findings, []);
    assert.deepEqual(check('gs://bucket/a.jpg,cat\ngs://bucket/b.jpg\ntest,gs://bucket/c.jpg,cat\n', 'image-classification-single-label').findings, []);
  });

  it('single-label rows too: a label then empty columns, or the path and an empty column, is the same warning (the label kept)', () => {
    const SINGLE: FormatId = 'image-classification-single-label';
    const labeled = check('gs://bucket/a.jpg,cat,\n', SINGLE);
    assert.deepEqual(labeled.findings, [['label.empty', 'warning', 1, 22, 23, { removeTrailing: true }]]);
    assert.equal(labeled.messages[0], "An empty label column ends this row (trailing comma). A single-label row is the path and one label in Vertex AI's format, which has no empty labels; remove the trailing comma.");
    assert.deepEqual(labeled.labels, [['cat']]);
    const unlabeled = check('training,gs://bucket/a.jpg,,\n', SINGLE);
    assert.deepEqual(unlabeled.findings, [['label.empty', 'warning', 1, 27, 29, { removeTrailing: true }]]);
    assert.match(unlabeled.messages[0], /^2 empty label columns end this row \(trailing commas\) and it has no label\. An unlabeled row is the path alone/);
    assert.deepEqual(unlabeled.labels, [[]]);
    const text = check('"a fine review",pos,\n', 'text-classification-single-label');
    assert.deepEqual(text.findings.map((f) => f[0]), ['label.empty']);
    assert.deepEqual(text.labels, [['pos']]);
  });

  it('a file on disk gives the same finding as the text; the command line prints it as a warning (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-trailing-'));
    try {
      writeFileSync(join(dir, 'labels.csv'), 'gs://bucket/a.jpg,cat,dog\ngs://bucket/b.jpg,cat,,\n');
      const file = await validateCsvFile(join(dir, 'labels.csv'), { format: MULTI });
      assert.deepEqual(file.diagnostics.map((d) => [d.code, d.line, d.column, d.endColumn]), [['label.empty', 2, 22, 24]]);
      const r = await cli(['validate', '--no-dataset-checks', '--format', MULTI, 'labels.csv'], dir);
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.out,
        "labels.csv:2:22: warning label.empty: 2 empty label columns end this row (trailing commas). In a multi-label CSV every column after the path is a label, and Vertex AI's format has no empty labels; remove the trailing commas.\n" +
          '1 file, 2 items: 0 errors, 1 warning\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
