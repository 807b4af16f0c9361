import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, type TestApi } from './util';
import { ListTreeProvider } from '../../src/extension/training/trainingTrees';
import { MessageNode } from '../../src/extension/cloud/datasetsTree';
import type { TreeNode } from '../../src/extension/cloud/datasetsTree';

type Job = { name: string; state: string };

/** A list view of jobs loaded by `load`, refreshing every 20 ms while one runs. */
function jobsView(what: string, load: () => Promise<Job[]>): ListTreeProvider<Job> {
  return new ListTreeProvider<Job>(
    async () => ({ cloud: undefined as never, parent: 'projects/p/locations/us-central1' }),
    load,
    (j) => new MessageNode(j.name, `${j.name} ${j.state}`, 'circle-outline'),
    (j) => j.state === 'RUNNING',
    what,
    () => 20,
  );
}

/**
 * The labels the view shows after each of its loads, until `done()` (then the view is disposed);
 * `onLoad` runs after each load is read. Fails with `stalled()` when the loads stop for 10 s.
 */
async function labelsPerLoad(view: ListTreeProvider<Job>, done: () => boolean, stalled: () => string, onLoad?: () => void): Promise<string[][]> {
  const labels = (nodes: TreeNode[]) => nodes.map((n) => String(n.getTreeItem().label));
  const seen: string[][] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${stalled()}: ${JSON.stringify(seen)}`)), 10_000);
      const sub = view.onDidLoad(async () => {
        seen.push(labels(await view.getChildren()));
        onLoad?.();
        if (done()) {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        }
      });
      void view.getChildren();
    });
  } finally {
    view.dispose();
  }
  return seen;
}

describe('vertexDatasets.trainingRefreshSeconds', () => {
  let api: TestApi;
  const config = () => vscode.workspace.getConfiguration('vertexDatasets');
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await config().update('trainingRefreshSeconds', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a refresh that fails keeps the last list on show with a warning, and the view keeps refreshing until it works again', async () => {
    let loads = 0;
    let state = 'RUNNING';
    const view = jobsView('training pipelines', async () => {
      loads++;
      // The second look fails the way a passing outage does once the retries are spent.
      if (loads === 2) throw Object.assign(new Error('14 UNAVAILABLE: The service is currently unavailable.'), { code: 14, details: 'The service is currently unavailable.' });
      if (loads === 3) state = 'SUCCEEDED';
      return [{ name: 'pipeline-1', state }];
    });
    const seen = await labelsPerLoad(view, () => loads >= 3, () => `the view stopped refreshing after ${loads} loads`);
    assert.deepEqual(seen[0], ['pipeline-1 RUNNING']);
    assert.equal(seen[1].length, 2, JSON.stringify(seen[1]));
    assert.match(seen[1][0], /^Could not refresh training pipelines \(showing the last list\): The Vertex AI service is temporarily unavailable \(The service is currently unavailable\.\)\. Trying again every [\d.]+ s\.$/);
    assert.equal(seen[1][1], 'pipeline-1 RUNNING', 'the running pipeline is still shown');
    assert.deepEqual(seen[2], ['pipeline-1 SUCCEEDED'], 'the next refresh worked and the warning went away');
  });

  it('a first load that fails shows the failure and is tried again on the same schedule; so is a failed refresh with nothing running', async () => {
    let loads = 0;
    const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: The service is currently unavailable.'), { code: 14, details: 'The service is currently unavailable.' });
    const view = jobsView('labeling jobs', async () => {
      loads++;
      // The first load and the refresh pressed after the second fail the way a passing outage does.
      if (loads === 1 || loads === 3) throw unavailable();
      return [{ name: 'job-1', state: 'SUCCEEDED' }];
    });
    const seen = await labelsPerLoad(
      view,
      () => loads >= 4,
      () => `the view stopped trying after ${loads} loads`,
      () => {
        if (loads === 2) view.refresh();
      },
    );
    assert.equal(seen[0].length, 1, JSON.stringify(seen[0]));
    // Said once: the view tries again by itself, so the message does not also ask the user to.
    assert.match(seen[0][0], /^Could not load labeling jobs: The Vertex AI service is temporarily unavailable \(The service is currently unavailable\.\)\. Trying again every [\d.]+ s\.$/);
    assert.deepEqual(seen[1], ['job-1 SUCCEEDED'], 'loaded without pressing Refresh');
    assert.match(seen[2][0], /^Could not refresh labeling jobs \(showing the last list\): .* Trying again every [\d.]+ s\.$/);
    assert.deepEqual(seen[3], ['job-1 SUCCEEDED'], 'the failed refresh was tried again although nothing runs');
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
