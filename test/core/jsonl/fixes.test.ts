import * as assert from 'node:assert/strict';
import { applyJsonFixes, fixesOf } from '../../../src/core/jsonl/fixes';
import { validateJsonlText } from '../../../src/core/jsonl/validate';
import type { FormatId } from '../../../src/core/formats';

const IMG = '"imageGcsUri": "gs://bucket/i.jpg"';

// Each case: a line with one problem; applying the validator's own fixes must make the code go away
// and produce exactly the expected line (untouched parts keep their spelling).
const cases: { name: string; format: FormatId; line: string; code: string; fixed: string }[] = [
  {
    name: 'ml_use misspelled value',
    format: 'image-classification-single-label',
    line: `{${IMG}, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "train"}}`,
    code: 'mlUse.invalid',
    fixed: `{${IMG}, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "training"}}`,
  },
  {
    name: 'ml_use key without prefix',
    format: 'image-classification-single-label',
    line: `{${IMG}, "dataItemResourceLabels": {"ml_use": "test"}}`,
    code: 'mlUse.missingPrefix',
    fixed: `{${IMG}, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "test"}}`,
  },
  {
    name: 'swapped box coordinates',
    format: 'image-bounding-box',
    line: `{${IMG}, "boundingBoxAnnotations": [{"displayName": "a", "xMin": 0.8, "yMin": 0.1, "xMax": 0.2, "yMax": 0.5}]}`,
    code: 'box.minMax',
    fixed: `{${IMG}, "boundingBoxAnnotations": [{"displayName": "a", "xMin": 0.2, "yMin": 0.1, "xMax": 0.8, "yMax": 0.5}]}`,
  },
];

function diagnosticFor(format: FormatId, line: string, code: string) {
  const d = validateJsonlText(line, { format }).diagnostics.find((x) => x.code === code);
  assert.ok(d, `expected ${code} on ${line}; got ${JSON.stringify(validateJsonlText(line, { format }).diagnostics.map((x) => x.code))}`);
  return d;
}

describe('core/jsonl/fixes', () => {
  for (const c of cases) {
    it(`applies the validator's fix: ${c.name}`, () => {
      const d = diagnosticFor(c.format, c.line, c.code);
      const fixes = fixesOf(d.data);
      assert.ok(fixes.length > 0, `${c.code} should carry data.fixes`);
      const fixed = applyJsonFixes(c.line, fixes);
      assert.equal(fixed, c.fixed);
      const after = validateJsonlText(fixed!, { format: c.format }).diagnostics.map((x) => x.code);
      assert.ok(!after.includes(c.code), `still ${c.code} after the fix: ${after.join(', ')}`);
    });
  }

  it('a removal asked for twice (two findings on one element) removes that element once', () => {
    const line = '{"imageGcsUri": "gs://b/a.jpg", "classificationAnnotations": [{"displayName": "a"}, {"displayName": ""}, {"displayName": ""}, {"displayName": "b"}]}';
    const twice = [
      { path: ['classificationAnnotations', 2], remove: true },
      { path: ['classificationAnnotations', 2], remove: true, title: 'Remove the empty label' },
    ];
    assert.equal(applyJsonFixes(line, twice), '{"imageGcsUri": "gs://b/a.jpg", "classificationAnnotations": [{"displayName": "a"}, {"displayName": ""}, {"displayName": "b"}]}');
  });

  it('removes exactly the element or member and one comma, keeping every other byte (spacing around the comma included)', () => {
    const dup = '{"imageGcsUri": "gs://b/a.jpg", "classificationAnnotations": [{"displayName": "a"} , {"displayName": "a"}]}';
    assert.equal(applyJsonFixes(dup, [{ path: ['classificationAnnotations', 1], remove: true }]), '{"imageGcsUri": "gs://b/a.jpg", "classificationAnnotations": [{"displayName": "a"} ]}');
    assert.equal(applyJsonFixes('[1 ,2 ,  3]', [{ path: [1], remove: true }]), '[1 ,3]');
    assert.equal(applyJsonFixes('[1, 2, 3]', [{ path: [1], remove: true }]), '[1, 3]');
    assert.equal(applyJsonFixes('[1 ,2 ,  3]', [{ path: [2], remove: true }]), '[1 ,2 ]');
    assert.equal(applyJsonFixes('[ 1 ,2 ]', [{ path: [0], remove: true }]), '[ 2 ]');
    assert.equal(applyJsonFixes('{"a": 1 ,\t"b": 2}', [{ path: ['b'], remove: true }]), '{"a": 1 }');
    assert.equal(applyJsonFixes('[\t1\t]', [{ path: [0], remove: true }]), '[\t\t]');
  });

  it('an empty label beside real labels is removed with its annotation (and one comma); an empty label that is the only one gets no fix', () => {
    const multi = 'image-classification-multi-label';
    const line = `{${IMG}, "classificationAnnotations": [{"displayName": "cat"} ,{"displayName": ""}, {"displayName": "dog"}]}`;
    const d = diagnosticFor(multi, line, 'label.empty');
    assert.deepEqual(fixesOf(d.data), [{ path: ['classificationAnnotations', 1], remove: true }]);
    const fixed = applyJsonFixes(line, fixesOf(d.data));
    // As for a repeated label: the element, the comma after it and the spaces before the next go.
    assert.equal(fixed, `{${IMG}, "classificationAnnotations": [{"displayName": "cat"} ,{"displayName": "dog"}]}`);
    assert.deepEqual(validateJsonlText(fixed!, { format: multi }).diagnostics, []);
    // After the labels, and several (blank is empty too): fixing them together leaves the real label.
    const after = `{${IMG}, "classificationAnnotations": [{"displayName": "cat"}, {"displayName": " "}, {"displayName": ""}]}`;
    const empties = validateJsonlText(after, { format: multi }).diagnostics.filter((x) => x.code === 'label.empty');
    assert.equal(empties.length, 2);
    assert.equal(applyJsonFixes(after, empties.flatMap((x) => fixesOf(x.data))), `{${IMG}, "classificationAnnotations": [{"displayName": "cat"}]}`);
    // The only label, or only empty ones: removing would leave the item unlabeled, so no fix.
    for (const only of [
      `{${IMG}, "classificationAnnotations": [{"displayName": ""}]}`,
      `{${IMG}, "classificationAnnotations": [{"displayName": ""}, {"displayName": " "}]}`,
    ]) {
      const found = validateJsonlText(only, { format: multi }).diagnostics.filter((x) => x.code === 'label.empty');
      assert.ok(found.length > 0);
      for (const x of found) assert.deepEqual(fixesOf(x.data), [], only);
    }
    assert.deepEqual(fixesOf(diagnosticFor('image-classification-single-label', `{${IMG}, "classificationAnnotation": {"displayName": ""}}`, 'label.empty').data), []);
    // A box without a label keeps its coordinates: no fix removes it.
    const box = `{${IMG}, "boundingBoxAnnotations": [{"displayName": "a", "xMin": 0.1, "yMin": 0.1, "xMax": 0.5, "yMax": 0.5}, {"displayName": "", "xMin": 0.1, "yMin": 0.1, "xMax": 0.5, "yMax": 0.5}]}`;
    assert.deepEqual(fixesOf(diagnosticFor('image-bounding-box', box, 'label.empty').data), []);
  });

  it('removes array elements from the highest index down', () => {
    const line = '{"a": [0, 1, 2, 3]}';
    assert.equal(applyJsonFixes(line, [{ path: ['a', 1], remove: true }, { path: ['a', 3], remove: true }]), '{"a": [0, 2]}');
    assert.equal(applyJsonFixes(line, [{ path: ['a', 0], remove: true }]), '{"a": [1, 2, 3]}');
    assert.equal(applyJsonFixes('{"a": 1, "b": 2}', [{ path: ['a'], remove: true }]), '{"b": 2}');
    assert.equal(applyJsonFixes('{"a": 1, "b": 2}', [{ path: ['b'], remove: true }]), '{"a": 1}');
    assert.equal(applyJsonFixes('{"a": {"only": 1}}', [{ path: ['a', 'only'], remove: true }]), '{"a": {}}');
  });

  it('inserts a missing member without reformatting the line, spaced as the line is', () => {
    assert.equal(applyJsonFixes('{"a": {"b": 1}}', [{ path: ['a', 'c'], value: 'x' }]), '{"a": {"b": 1, "c": "x"}}');
    assert.equal(applyJsonFixes('{"a":{"b":1}}', [{ path: ['a', 'c'], value: 'x' }]), '{"a":{"b":1,"c":"x"}}');
    assert.equal(applyJsonFixes('{"a": {}}', [{ path: ['a', 'c'], value: { d: [1, 2] } }]), '{"a": {"c": {"d": [1, 2]}}}');
    assert.equal(applyJsonFixes('{"a": [1, 2]}', [{ path: ['a', 2], value: 3 }]), '{"a": [1, 2, 3]}');
  });

  it('returns undefined when the fix no longer applies (the line changed)', () => {
    assert.equal(applyJsonFixes('{"a": 1}', [{ path: ['b'], key: 'c' }]), undefined);
    assert.equal(applyJsonFixes('{"a": 1}', [{ path: ['b'], remove: true }]), undefined);
    assert.equal(applyJsonFixes('not json', [{ path: ['b'], remove: true }]), undefined);
  });

  it('ignores data without fixes', () => {
    assert.deepEqual(fixesOf(undefined), []);
    assert.deepEqual(fixesOf({ path: ['x'] }), []);
    assert.deepEqual(fixesOf({ fixes: [{ nope: 1 }, { path: ['a'], remove: true }] }), [{ path: ['a'], remove: true }]);
  });
});
