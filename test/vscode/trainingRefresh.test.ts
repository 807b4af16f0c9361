import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, type TestApi } from './util';

describe('vertexDatasets.trainingRefreshSeconds', () => {
  let api: TestApi;
  const config = () => vscode.workspace.getConfiguration('vertexDatasets');
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await config().update('trainingRefreshSeconds', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('is honoured, and a value under its 2-second minimum (or not a number) cannot make the views poll without pause', async () => {
    const cases: [unknown, number][] = [[30, 30_000], [2.5, 2_500], [0, 2_000], [-5, 2_000], ['5', 10_000], [undefined, 10_000]];
    for (const [value, ms] of cases) {
      await config().update('trainingRefreshSeconds', value, vscode.ConfigurationTarget.Workspace);
      assert.equal(api.training.pipelines.refreshMs(), ms, `setting ${JSON.stringify(value)}`);
      assert.equal(api.training.labelingJobs.refreshMs(), ms, `setting ${JSON.stringify(value)}`);
    }
  });
});
