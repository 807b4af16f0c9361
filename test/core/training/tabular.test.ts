import { strict as assert } from 'node:assert';
import { defaultTransformationKind, defaultTransformations, optimizationObjectives, targetProblems } from '../../../src/core/training/tabular';

describe('tabular choices', () => {
  it('optimization objectives by prediction type and target cardinality', () => {
    assert.deepEqual(optimizationObjectives('classification', 2).map((o) => o.id), ['maximize-au-roc', 'minimize-log-loss', 'maximize-au-prc', 'maximize-precision-at-recall', 'maximize-recall-at-precision']);
    assert.deepEqual(optimizationObjectives('classification', 7).map((o) => o.id), ['minimize-log-loss']);
    assert.deepEqual(optimizationObjectives('regression').map((o) => o.id), ['minimize-rmse', 'minimize-mae', 'minimize-rmsle']);
    assert.equal(optimizationObjectives('classification', 2).find((o) => o.id === 'maximize-recall-at-precision')?.needs, 'precision');
  });
  it('default transformation per column profile', () => {
    const p = (inferredType: string, distinct: number, rows = 1000) => ({ name: 'c', inferredType, nulls: 0, distinct, rows });
    assert.equal(defaultTransformationKind(p('numeric', 10)), 'numeric');
    assert.equal(defaultTransformationKind(p('timestamp', 10)), 'timestamp');
    assert.equal(defaultTransformationKind(p('boolean', 2)), 'categorical');
    assert.equal(defaultTransformationKind(p('categorical', 20)), 'categorical');
    assert.equal(defaultTransformationKind(p('text', 900)), 'text');
    assert.equal(defaultTransformationKind(p('empty', 0)), 'auto');
    assert.deepEqual(
      defaultTransformations([{ name: 'a', inferredType: 'numeric', nulls: 0, distinct: 3 }, { name: 'y', inferredType: 'numeric', nulls: 0, distinct: 3 }], ['y', undefined]),
      [{ numeric: { columnName: 'a' } }],
    );
  });
  it('target problems', () => {
    assert.deepEqual(targetProblems({ name: 't', inferredType: 'categorical', nulls: 0, distinct: 501 }, 'classification'), [
      "Classification targets may have at most 500 distinct values; column 't' has 501. Train regression, or bucket the values.",
    ]);
    assert.match(targetProblems({ name: 't', inferredType: 'categorical', nulls: 0, distinct: 1 }, 'classification')[0], /at least 2 distinct/);
    assert.deepEqual(targetProblems({ name: 't', inferredType: 'numeric', nulls: 0, distinct: 50 }, 'regression'), []);
  });
});
