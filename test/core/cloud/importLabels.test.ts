import { strict as assert } from 'node:assert';
import { importLabelProblems } from '../../../src/core/cloud/importLabels';

describe('import --label / --annotation-label checks', () => {
  const all = ['training', 'validation', 'test'] as const;
  it('accepts the system key of each level and valid user labels', () => {
    assert.deepEqual(importLabelProblems({ 'aiplatform.googleapis.com/ml_use': 'validation', source: 'web-2024', 'équipe': 'vision' }, 'item', all), []);
    assert.deepEqual(importLabelProblems({ 'aiplatform.googleapis.com/annotation_set_name': 'Gold Set', reviewer: 'ann' }, 'annotation', all), []);
  });
  it('refuses what Vertex AI refuses: bad ml_use values, video validation, misplaced or reserved keys, long or upper-case labels, too many labels', () => {
    assert.match(importLabelProblems({ 'aiplatform.googleapis.com/ml_use': 'validation' }, 'item', ['training', 'test']).join(), /Video datasets have no validation split/);
    assert.match(importLabelProblems({ 'aiplatform.googleapis.com/annotation_set_name': 'x' }, 'item', all).join(), /is reserved.*"aiplatform\.googleapis\.com\/ml_use"/);
    assert.match(importLabelProblems({ 'aiplatform.googleapis.com/annotation_set_name': ' ' }, 'annotation', all).join(), /annotation set name is empty/);
    assert.match(importLabelProblems({ k: 'x'.repeat(65) }, 'item', all).join(), /at most 64 characters; this one has 65/);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(importLabelProblems(many, 'item', all), ['65 user labels are given; Vertex AI allows at most 64.']);
  });
});
