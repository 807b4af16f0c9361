/**
 * Activation only assembles: it builds the services and calls the `register*` functions, each of
 * which returns a Disposable owned by the extension context. Cloud SDKs are never loaded here.
 */
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from './api';
import { registerCodeActions } from './codeActions';
import { COMMANDS, registerCommand } from './commands';
import { registerCompletion } from './completion';
import { openExample } from './commands/openExample';
import { selectFormat } from './commands/selectFormat';
import { validateWorkspace } from './commands/validateWorkspace';
import { importFileRefusal } from './commands/validateFile';
import { registerDiagnostics, ValidationService, tooLargeToSync } from './diagnostics';
import { FormatResolver } from './formatChoice';
import { registerHover } from './hover';
import { registerDiskWatch } from './diskWatch';
import { MediaSidecars } from './mediaSidecars';
import { LineEnds } from './lineEnds';
import { createSettings } from './settings';
import { StatusBar, statusMenu } from './statusBar';
import { StatsViews } from './statsView';
import { registerCloud } from './cloud/register';
import { registerTraining } from './training/register';

/** Providers answer only for files that have a validation report (import files); this keeps them cheap elsewhere. */
const IMPORT_FILES: vscode.DocumentSelector = [{ language: 'jsonl' }, { language: 'csv' }, { pattern: '**/*.{jsonl,csv}' }];
import { splitDataset } from './split/command';
import { vscodeSplitUi } from './split/ui';

export function activate(context: vscode.ExtensionContext): VertexDatasetsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Vertex Datasets', { log: true });
  const settings = createSettings(log);
  const formats = new FormatResolver(context.workspaceState, settings);
  const media = new MediaSidecars(log);
  const lineEnds = new LineEnds(log);
  const deps = { log, settings, formats, media, lineEnds };
  const validation = new ValidationService(deps);
  const statusBar = new StatusBar(validation);
  const stats = new StatsViews(context.extensionUri, validation);

  context.subscriptions.push(
    log,
    media,
    lineEnds,
    formats,
    validation,
    statusBar,
    stats,
    registerDiagnostics(validation, deps),
    registerDiskWatch(validation, log),
    registerCodeActions(validation, IMPORT_FILES, media),
    registerHover(validation, IMPORT_FILES, (uri) => settings.tabular(uri)),
    registerCompletion(validation, IMPORT_FILES, (uri) => settings.tabular(uri)),
    registerCommand(COMMANDS.validateFile, log, async (uri?: vscode.Uri) => {
      // A file above 50 MB has no document: it is validated from disk in a worker.
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const target = uri ?? (vscode.window.activeTextEditor ? undefined : tab instanceof vscode.TabInputText ? tab.uri : undefined);
      if (target && (await tooLargeToSync(target))) return validation.validateLargeFile(target);
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc) throw new Error('open an import file first');
      const refusal = importFileRefusal(doc, formats.explicit(doc));
      if (refusal) throw new Error(refusal);
      return validation.validateNow(doc);
    }),
    registerCommand(COMMANDS.selectFormat, log, (uri?: vscode.Uri | string, format?: string) => selectFormat(formats, uri, format)),
    registerCommand(COMMANDS.statusMenu, log, () => statusMenu()),
    registerCommand(COMMANDS.showStatistics, log, (uri?: vscode.Uri) => {
      // A file above 50 MB has a tab but no text editor for extensions: its statistics come from disk.
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? (tab instanceof vscode.TabInputText ? tab.uri : undefined);
      if (!target) throw new Error('open an import file first, then show its statistics');
      stats.show(target);
    }),
    registerCommand(COMMANDS.showLog, log, () => log.show()),
    registerCommand(COMMANDS.splitDataset, log, (uri?: vscode.Uri) => splitDataset(vscodeSplitUi, uri)),
    registerCommand(COMMANDS.validateWorkspace, log, () => validateWorkspace(validation, log)),
    registerCommand(COMMANDS.openExample, log, () => openExample(context.extensionUri)),
  );

  const cloud = registerCloud({ log, validation });
  context.subscriptions.push(cloud.disposable);
  const training = registerTraining({ log, session: cloud.session, extensionUri: context.extensionUri });
  context.subscriptions.push(training.disposable);

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    onDidValidate: validation.onDidValidate,
    report: (uri) => validation.report(uri),
    statusBarText: () => statusBar.text,
    onDidRenderStatistics: stats.onDidRender,
    activationMs,
    cloud: cloud.api,
    splitDataset: (ui, uri) => splitDataset(ui, uri),
    training: training.api,
  };
}

export function deactivate(): void {}
