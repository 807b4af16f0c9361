import * as assert from 'node:assert/strict';
import { validateCsvText } from '../../../src/core/csv/validate';

const suggestions = (labels: string[]) => {
  const text = labels.map((l, i) => `gs://bkt/${i}.jpg,${l.includes(',') ? `"${l}"` : l}`).join('\n') + '\n';
  const r = validateCsvText(text, { format: 'image-classification-single-label' });
  return labels.map((_, i) => {
    const d = r.diagnostics.find((x) => x.code === 'label.csvName' && x.line === i + 1);
    return d ? ((d.data as { replacement?: string } | undefined)?.replacement ?? null) : 'valid';
  });
};

describe('CSV label names: the suggested replacement', () => {
  it('replaces characters a CSV label cannot hold and drops leading punctuation', () => {
    assert.deepEqual(suggestions(['my cat', ' cat ', '_x', '-dog', 'a,b', 'do-g', 'Cat_1']), ['my_cat', 'cat', 'x', 'dog', 'a_b', 'do_g', 'valid']);
  });

  it('suggests nothing for a label starting with digits: "1_star" and "2_star" would both become "star"', () => {
    assert.deepEqual(suggestions(['1_star', '2_star', '1st', '5', '_2x', ' 3 cats']), [null, null, null, null, null, null]);
    const r = validateCsvText('gs://bkt/a.jpg,1_star\n', { format: 'image-classification-single-label' });
    assert.doesNotMatch(r.diagnostics[0].message, /Use "/);
  });
});
