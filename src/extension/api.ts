import type * as vscode from 'vscode';
import type { DocumentReport } from './diagnostics';
import type { RenderedEvent } from './statsView';
import type { CloudApi } from './cloud/register';
import type { SplitCommandResult } from './split/command';
import type { SplitUi } from './split/ui';
import type { TrainingApi } from './training/register';

/** What `activate()` returns: used by the in-host tests and by other extensions. */
export interface VertexDatasetsApi {
  /** Fires after each validation run is published (debounce excluded). */
  readonly onDidValidate: vscode.Event<DocumentReport>;
  /** The last published report for a document. */
  report(uri: vscode.Uri): DocumentReport | undefined;
  /** The status bar text shown for the active editor, or undefined when hidden. */
  statusBarText(): string | undefined;
  /** Fires with the data the statistics view drew (labels, splits, distributions). */
  readonly onDidRenderStatistics: vscode.Event<RenderedEvent>;
  /** Milliseconds `activate()` took. */
  readonly activationMs: number;
  /** The Vertex AI side: session status, the Datasets view, the import wizard. */
  readonly cloud: CloudApi;
  /** The "Split Dataset…" command with its questions answered by `ui` (tests, other extensions). */
  splitDataset(ui: SplitUi, uri?: vscode.Uri): Promise<SplitCommandResult | undefined>;
  /** Training pipelines, labeling jobs, evaluations and versions. */
  readonly training: TrainingApi;
}
