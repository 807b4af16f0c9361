/**
 * Assembles the Vertex AI side of the extension: the session, the Datasets view, its commands
 * and the import command. Nothing here loads the Google SDKs; the first cloud call does.
 */
import * as vscode from 'vscode';
import type { ImportReport } from '../../cloud/importFlow';
import { consoleUrl } from '../../core/cloud/requests';
import { describeCloudError } from '../../core/cloud/errors';
import { bigQueryUriProblem } from '../../core/rules/values';
import type { DataType } from '../../core/formats';
import { COMMANDS, registerCommand } from '../commands';
import type { ValidationService } from '../diagnostics';
import type { TreeNode } from './datasetsTree';
import { DatasetNode, DatasetsTreeProvider } from './datasetsTree';
import type { WizardUi } from './importWizard';
import { importIntoVertex, vscodeUi } from './importWizard';
import type { CloudStatus } from './session';
import { CloudSession } from './session';

export const DATASETS_VIEW = 'vertexDatasets.datasets';

/** The cloud part of the extension API (tests drive it; other extensions may read it). */
export interface CloudApi {
  status(): CloudStatus;
  /** The Datasets view's provider: `getChildren()` / `getTreeItem()` as VS Code calls them. */
  readonly datasets: vscode.TreeDataProvider<TreeNode> & { onDidLoad: vscode.Event<void> };
  /** Runs the import wizard with a scripted UI. */
  importFile(uri: vscode.Uri, ui: WizardUi, dataset?: string): Promise<ImportReport | undefined>;
  /** True once a connection was opened (activation alone must not open one). */
  connected(): boolean;
  /** Whether the Google SDK modules are loaded in this process. */
  sdkLoaded(): boolean;
  /** Replaces the UI the view's commands prompt with (tests script it); undefined restores VS Code's. */
  useUi(ui: WizardUi | undefined): void;
}

export function registerCloud(deps: { log: vscode.LogOutputChannel; validation: ValidationService; ui?: WizardUi }): { disposable: vscode.Disposable; api: CloudApi; session: CloudSession } {
  const { log, validation } = deps;
  let ui = deps.ui ?? vscodeUi;
  const session = new CloudSession(log);
  const tree = new DatasetsTreeProvider(session);
  const view = vscode.window.createTreeView(DATASETS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const importDiagnostics = vscode.languages.createDiagnosticCollection('vertex-ai-import');
  const importDeps = { session, validation, log, importDiagnostics, onImported: () => tree.refresh() };
  const updateMessage = () => {
    const f = tree.describeFilter();
    view.message = f ? `Filtered: ${f}` : undefined;
  };

  const datasetOf = (node: unknown): DatasetNode => {
    if (node instanceof DatasetNode) return node;
    throw new Error('select a dataset in the Vertex AI Datasets view');
  };

  const disposables: vscode.Disposable[] = [
    session,
    tree,
    view,
    importDiagnostics,
    // Vertex's verdict was on the uploaded text: once the file changes, its rows may have moved.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && importDiagnostics.has(e.document.uri)) importDiagnostics.delete(e.document.uri);
    }),
    registerCommand(COMMANDS.importToVertex, log, (uri?: vscode.Uri) => importIntoVertex(importDeps, uri instanceof vscode.Uri ? uri : undefined, undefined, ui)),
    registerCommand(COMMANDS.datasetsImportHere, log, (node?: unknown) => importIntoVertex(importDeps, undefined, datasetOf(node).dataset.name, ui)),
    registerCommand(COMMANDS.datasetsRefresh, log, () => tree.refresh()),
    registerCommand(COMMANDS.datasetsLoadMore, log, () => tree.loadMore()),
    registerCommand(COMMANDS.datasetsFilter, log, async () => {
      const types: (DataType | 'time_series' | 'all')[] = ['all', 'image', 'text', 'video', 'tabular', 'time_series'];
      const picked = await ui.pick('Show datasets of type', types.map((t) => ({ label: t === 'all' ? 'All types' : t, value: t, picked: (tree.filter.dataType ?? 'all') === t })));
      if (!picked) return;
      const name = await ui.input('Filter by name', 'Show datasets whose name contains (empty: all names)', tree.filter.name ?? '', () => undefined);
      if (name === undefined) return;
      const dataType = picked.value === 'all' ? undefined : (picked.value as DataType | 'time_series');
      const reload = dataType !== tree.filter.dataType;
      tree.filter = { dataType, name: name.trim() || undefined };
      updateMessage();
      if (reload) tree.refresh();
      else tree.rerender();
    }),
    registerCommand(COMMANDS.datasetsCreateTabular, log, async () => {
      const kind = await ui.pick('Create a tabular dataset from', [
        { label: 'BigQuery table', description: 'bq://project.dataset.table', value: 'bq' },
        { label: 'CSV files in Cloud Storage', description: 'gs://bucket/file.csv, …', value: 'gcs' },
      ]);
      if (!kind) return undefined;
      const sourceText = await ui.input(
        kind.value === 'bq' ? 'BigQuery table' : 'Cloud Storage CSV files',
        kind.value === 'bq' ? 'bq://project.dataset.table' : 'gs:// URIs of CSV files, separated by commas (the header comes from the first file)',
        kind.value === 'bq' ? 'bq://' : 'gs://',
        (v) => {
          const parts = v.split(',').map((x) => x.trim()).filter(Boolean);
          if (kind.value === 'bq') return bigQueryUriProblem(v.trim())?.message;
          return parts.length && parts.every((p) => /^gs:\/\/[^/]+\/.+\.csv$/i.test(p)) ? undefined : 'Expected gs://bucket/path/file.csv, separated by commas';
        },
      );
      if (!sourceText) return undefined;
      const name = await ui.input('New tabular dataset name', 'Display name (at most 128 characters)', '', (v) => (!v.trim() ? 'Give the dataset a name' : v.length > 128 ? 'At most 128 characters' : undefined));
      if (!name) return undefined;
      const source = kind.value === 'bq' ? { bigqueryUri: sourceText.trim() } : { gcsUris: sourceText.split(',').map((x) => x.trim()).filter(Boolean) };
      const conn = await session.connection();
      const { createTabularFromSource } = await import('../../cloud/importFlow');
      const out = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating tabular dataset ${name.trim()}`, cancellable: true }, (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return createTabularFromSource(conn.vertex, { displayName: name.trim(), source }, ac.signal);
      });
      tree.refresh();
      if (out.error) throw new Error(out.error.message);
      if (out.dataset) void ui.notify('info', `Created tabular dataset ${out.dataset.displayName} (${out.dataset.name}).`);
      return out.dataset;
    }),
    registerCommand(COMMANDS.datasetsOpenInConsole, log, (node?: unknown) => vscode.env.openExternal(vscode.Uri.parse(consoleUrl(datasetOf(node).dataset.name)))),
    registerCommand(COMMANDS.datasetsCopyResourceName, log, async (node?: unknown) => {
      const name = datasetOf(node).dataset.name;
      await vscode.env.clipboard.writeText(name);
      vscode.window.setStatusBarMessage(`Copied ${name}`, 3000);
    }),
    registerCommand(COMMANDS.datasetsDelete, log, async (node?: unknown) => {
      const d = datasetOf(node).dataset;
      const ok = await ui.confirm(
        `Delete dataset "${d.displayName}"?`,
        `${d.name} and its ${d.itemCount} data items, annotations and versions will be deleted from Vertex AI. The files in Cloud Storage stay. This cannot be undone.`,
        'Delete Dataset',
      );
      if (!ok) return false;
      const conn = await session.connection();
      const out = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${d.displayName}`, cancellable: true }, (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return conn.vertex.deleteDataset(d.name, { signal: ac.signal });
      });
      tree.refresh();
      if (out.error) throw new Error(describeCloudError({ code: out.error.code, details: out.error.message }, { service: 'vertex', project: conn.project }).message);
      return !out.cancelled;
    }),
  ];

  const api: CloudApi = {
    status: () => session.status(),
    datasets: tree,
    importFile: (uri, scripted, dataset) => importIntoVertex(importDeps, uri, dataset, scripted),
    connected: () => session.connected,
    sdkLoaded: () => Object.keys(require.cache).some((k) => k.includes(`${'@google-cloud'}/aiplatform`)),
    useUi: (scripted) => {
      ui = scripted ?? deps.ui ?? vscodeUi;
    },
  };
  return { disposable: vscode.Disposable.from(...disposables), api, session };
}
