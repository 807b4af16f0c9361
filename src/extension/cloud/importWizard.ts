/**
 * "Import into Vertex AI Dataset…": prompt steps collect answers through an injectable UI (tests
 * script it), then the execute step runs the shared import flow under a cancellable progress
 * notification and puts the rows Vertex rejected on their lines as diagnostics.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportReport } from '../../cloud/importFlow';
import type { Connection } from '../../cloud/connect';
import { describeCloudError } from '../../core/cloud/errors';
import { consoleUrl, datasetTypeFilter, parseGcsUri } from '../../core/cloud/requests';
import { FORMATS } from '../../core/formats';
import { validateCsvText } from '../../core/csv/validate';
import { validateJsonlText } from '../../core/jsonl/validate';
import { findLocalMedia, planMediaUris, rewriteMedia } from '../../core/cloud/media';
import type { ValidationService } from '../diagnostics';
import type { CloudSession } from './session';
import { readCloudSettings } from './session';

export interface PickItem extends vscode.QuickPickItem {
  /** Dataset resource name, or `new` for "create a new dataset". */
  value: string;
}

/** Everything the wizard asks; the default implementation is VS Code's own UI. */
export interface WizardUi {
  pick(title: string, items: PickItem[]): Promise<PickItem | undefined>;
  input(title: string, prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string | undefined>;
  /** A modal warning with one action; true when the user chose it. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A non-modal message with actions; resolves with the chosen action (tests answer undefined). */
  notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
}

export const vscodeUi: WizardUi = {
  pick: (title, items) => Promise.resolve(vscode.window.showQuickPick(items, { title, placeHolder: title, ignoreFocusOut: true, matchOnDescription: true })),
  input: (title, prompt, value, validate) => Promise.resolve(vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: validate })),
  confirm: async (message, detail, action) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
  notify: (kind, message, ...actions) =>
    Promise.resolve(
      kind === 'info' ? vscode.window.showInformationMessage(message, ...actions) : kind === 'warning' ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showErrorMessage(message, ...actions),
    ),
};

export interface ImportDeps {
  session: CloudSession;
  validation: ValidationService;
  log: vscode.LogOutputChannel;
  /** Per-row failures from Vertex, kept apart from validation diagnostics so revalidation keeps them. */
  importDiagnostics: vscode.DiagnosticCollection;
  onImported?: () => void;
}

export const IMPORT_SOURCE = 'vertex-ai-import';

/** Runs the wizard for one file; resolves with the report (undefined when the user stopped it before any work). */
export async function importIntoVertex(deps: ImportDeps, uri: vscode.Uri | undefined, targetDataset: string | undefined, ui: WizardUi = vscodeUi): Promise<ImportReport | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) throw new Error('open or select a .jsonl import file to import');
  const doc = await vscode.workspace.openTextDocument(target);
  const shown = vscode.workspace.asRelativePath(doc.uri);

  // 1. Validate first (errors need an explicit override, asked once the media question is settled).
  const report = await deps.validation.validateNow(doc);
  let format = report?.format;
  let errors = report?.errors ?? 0;
  if (!report && /\.csv$/i.test(doc.uri.path)) {
    // The editor does not validate CSV files as they are typed; the core CSV validator still decides.
    const csv = validateCsvText(doc.getText());
    format = csv.format;
    errors = csv.diagnostics.filter((d) => d.severity === 'error').length;
  }
  if (!format) throw new Error(`cannot tell the import format of ${shown}; choose it with "Vertex Datasets: Choose Import Format for This File" first`);
  const fmt = FORMATS[format];
  if (!fmt.importSchemaUri && fmt.dataType !== 'tabular') throw new Error(`${fmt.title} files cannot be imported into Vertex AI`);

  // 2. Connect (loads the SDKs on first use).
  let conn: Connection;
  try {
    conn = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Connecting to Vertex AI' }, () => deps.session.connection());
  } catch (e) {
    const info = describeCloudError(e, { service: 'vertex', project: readCloudSettings().project });
    void ui.notify('error', `Vertex AI: ${info.message}`);
    return undefined;
  }

  // 3. Dataset: existing one of the matching type, or a new one.
  let dataset = targetDataset;
  if (fmt.dataType === 'tabular') {
    // Tabular datasets take their rows at creation: always a new dataset.
    const name = await ui.input('New tabular dataset name', 'Display name of the tabular dataset created from this CSV (at most 128 characters)', path.basename(doc.uri.fsPath).replace(/\.[^.]+$/, ''), (v) =>
      !v.trim() ? 'Give the dataset a name' : v.length > 128 ? 'At most 128 characters' : undefined);
    if (!name) return undefined;
    dataset = name.trim();
  }
  if (!dataset) {
    let items: PickItem[] = [];
    try {
      const page = await conn.vertex.listDatasets({ filter: datasetTypeFilter(fmt.dataType), pageSize: 100, orderBy: 'update_time desc' });
      items = page.datasets.map((d) => ({ label: d.displayName, description: `${d.itemCount} items · ${d.id}`, detail: d.name, value: d.name }));
    } catch (e) {
      void ui.notify('error', `Vertex AI: ${describeCloudError(e, { service: 'vertex', project: conn.project, location: conn.region }).message}`);
      return undefined;
    }
    const picked = await ui.pick(`Import ${shown} into which ${fmt.dataType} dataset?`, [{ label: '$(add) Create a new dataset…', value: 'new', alwaysShow: true }, ...items]);
    if (!picked) return undefined;
    if (picked.value === 'new') {
      const name = await ui.input('New dataset name', `Display name of the new ${fmt.dataType} dataset (at most 128 characters)`, path.basename(doc.uri.fsPath).replace(/\.[^.]+$/, ''), (v) =>
        !v.trim() ? 'Give the dataset a name' : v.length > 128 ? 'At most 128 characters' : undefined);
      if (!name) return undefined;
      dataset = name.trim();
    } else dataset = picked.value;
  }

  // 4. Where to upload.
  const settings = readCloudSettings();
  const destination = await ui.input('Upload to', 'Cloud Storage bucket and optional prefix for the import file (gs://bucket/prefix)', settings.importBucket ?? conn.defaultBucket ?? 'gs://', (v) =>
    parseGcsUri(v.trim()) ? undefined : 'Expected gs://bucket or gs://bucket/prefix');
  if (!destination) return undefined;

  // 5. Local media the file references: upload them and import a copy pointing at them?
  let uploadMedia = false;
  const refs = fmt.jsonl && /\.jsonl$/i.test(doc.uri.path) ? findLocalMedia(doc.getText(), format) : [];
  if (refs.length) {
    const count = new Set(refs.map((r) => r.value)).size;
    const choice = await ui.pick(`${shown} references ${count} local media file${count === 1 ? '' : 's'} (e.g. ${refs[0].value}). Upload ${count === 1 ? 'it' : 'them'}?`, [
      { label: 'Upload media and import a copy with gs:// paths', description: `to ${destination.trim().replace(/\/+$/, '')}/media/`, value: 'upload' },
      { label: 'Import the file as it is', description: 'Vertex AI rejects rows whose media are not in Cloud Storage', value: 'asIs' },
    ]);
    if (!choice) return undefined;
    if (choice.value === 'upload') {
      uploadMedia = true;
      const rewritten = rewriteMedia(doc.getText(), refs, planMediaUris(refs, destination.trim())).text;
      errors = validateJsonlText(rewritten, { format }).diagnostics.filter((d) => d.severity === 'error').length;
    }
  }

  // 6. Errors need an explicit override.
  if (errors > 0) {
    const go = await ui.confirm(
      `${shown} has ${errors} error${errors === 1 ? '' : 's'}${uploadMedia ? ' once its media paths point to Cloud Storage' : ''}. Import anyway?`,
      'Vertex AI skips the rows it rejects and reports up to 20 of them. Fixing the errors first is safer; see the Problems panel.',
      'Import Anyway',
    );
    if (!go) return undefined;
  }

  // 7. Execute with cancellable progress.
  const { runImport, describeLeftovers } = await import('../../cloud/importFlow');
  deps.importDiagnostics.delete(doc.uri);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Importing ${shown} into Vertex AI`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      let lastPct = 0;
      try {
        return await runImport(
          conn.vertex,
          conn.gcs,
          { files: [{ displayPath: shown, data: Buffer.from(doc.getText(), 'utf8'), baseDir: path.dirname(doc.uri.fsPath) }], format: format as NonNullable<typeof format>, destination: destination.trim(), dataset: dataset as string, createIfMissing: true, uploadMedia },
          {
            step: (_s, message) => {
              deps.log.info(message);
              progress.report({ message });
            },
            upload: (_f, sent, total) => {
              const pct = total ? Math.round((sent / total) * 100) : 100;
              progress.report({ message: `Uploading ${pct}%`, increment: Math.max(0, (pct - lastPct) / 2) });
              lastPct = pct;
            },
            poll: (ms) => progress.report({ message: `Importing (${Math.round(ms / 1000)} s)` }),
          },
          ac.signal,
        );
      } finally {
        sub.dispose();
      }
    },
  );

  // 8. Results: rejected rows on their lines; what exists now when something failed.
  const diagnostics = result.failures.map((f) => {
    const d = f.diagnostic;
    const line = Math.max(0, Math.min(d.line - 1, doc.lineCount - 1));
    const diag = new vscode.Diagnostic(new vscode.Range(line, 0, line, doc.lineAt(line).text.length), d.message, vscode.DiagnosticSeverity.Error);
    diag.source = IMPORT_SOURCE;
    diag.code = d.code;
    return diag;
  });
  deps.importDiagnostics.set(doc.uri, diagnostics);
  if (result.dataset) deps.onImported?.();
  const ds = result.dataset;
  if (result.ok) {
    const msg = `Imported ${shown} into ${ds?.displayName}: ${ds?.itemCount} data items now${diagnostics.length ? `; Vertex AI rejected ${diagnostics.length} row${diagnostics.length === 1 ? '' : 's'} (see Problems)` : ''}.`;
    deps.log.info(msg);
    void ui.notify(diagnostics.length ? 'warning' : 'info', msg, ...(diagnostics.length ? ['Show Problems'] : []), 'Open in Console').then((a) => {
      if (a === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      if (a === 'Open in Console' && ds) void vscode.env.openExternal(vscode.Uri.parse(consoleUrl(ds.name)));
    });
  } else if (result.cancelled) {
    const msg = `Import of ${shown} cancelled. ${describeLeftovers(result).join(' ')}`;
    deps.log.info(msg);
    void ui.notify('warning', msg);
  } else {
    const leftovers = describeLeftovers(result);
    const msg = `Import of ${shown} failed at the ${result.error?.step} step: ${result.error?.message}${leftovers.length ? ` ${leftovers.join(' ')}` : ''}`;
    deps.log.error(msg);
    void ui.notify('error', msg, 'Show Log').then((a) => {
      if (a) deps.log.show();
    });
  }
  return result;
}
