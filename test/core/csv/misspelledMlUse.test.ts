import { strict as assert } from 'node:assert';
import { validateCsvText } from '../../../src/core/csv/validate';

describe('CSV: a misspelled ml_use column in every row', () => {
  it('is still an image CSV with an ml_use column (not inline text with .jpg "text files")', () => {
    const text = Array.from({ length: 6 }, (_, i) => `TRN,gs://bkt/img/${i}.jpg,${i % 2 ? 'cat' : 'dog'}`).join('\n') + '\n';
    const r = validateCsvText(text);
    assert.equal(r.format, 'image-classification-single-label');
    const codes = r.diagnostics.map((d) => d.code);
    assert.equal(codes.filter((c) => c === 'mlUse.invalid').length, 6);
    assert.ok(!codes.includes('value.mediaType'), codes.join(', '));
    assert.ok(!codes.includes('dataset.tooFewLabels'), 'cat and dog are two labels');
  });

  it('inline text and a gs:// text file path still read as before', () => {
    assert.equal(validateCsvText('"a long review, in words",pos\n"another one",neg\n').format?.startsWith('text-classification'), true);
    assert.equal(validateCsvText('test,gs://bkt/a.txt,pos\ntraining,gs://bkt/b.txt,neg\n').format?.startsWith('text-classification'), true);
  });
});
