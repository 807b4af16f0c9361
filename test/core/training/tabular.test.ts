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

describe('column profiles from the CSV source', () => {
  it('the CSV profiler feeds the defaults: types, nulls and target cardinality', async () => {
    const { profileCsvText } = await import('../../../src/core/training/sourceProfile');
    const { buildTrainingPipeline } = await import('../../../src/core/training/pipeline');
    const rows = Array.from({ length: 40 }, (_, i) => `${20 + i},${['gold', 'silver', 'bronze'][i % 3]},${i % 2 ? 'yes' : 'no'},2024-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z,${i % 5 === 0 ? '' : i * 1.5}`);
    const profiles = profileCsvText(['age,plan,churned,signup,spend', ...rows].join('\n'))!;
    assert.deepEqual(profiles.map((p) => [p.name, p.inferredType, p.nulls]), [['age', 'numeric', 0], ['plan', 'categorical', 0], ['churned', 'categorical', 0], ['signup', 'timestamp', 0], ['spend', 'numeric', 8]]);
    const r = buildTrainingPipeline({ objective: 'tabular-classification', project: 'p', location: 'us-central1', dataset: '1', displayName: 'x', targetColumn: 'churned', columnProfiles: profiles });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs.transformations, [
      { numeric: { columnName: 'age' } }, { categorical: { columnName: 'plan' } }, { timestamp: { columnName: 'signup' } }, { numeric: { columnName: 'spend' } },
    ]);
    assert.equal(r.request.trainingPipeline.trainingTaskInputs.optimizationObjective, 'maximize-au-roc', 'two target values: binary');
    const bad = buildTrainingPipeline({ objective: 'tabular-regression', project: 'p', location: 'us-central1', dataset: '1', displayName: 'x', targetColumn: 'spend', columnProfiles: profiles });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.problems[0].message, /Target column 'spend' has 8 empty values/);
    assert.equal(profileCsvText(''), undefined);
  });
});
