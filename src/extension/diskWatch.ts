/**
 * Findings of files validated from disk (above what VS Code syncs to extensions, closed files
 * checked by "Validate Workspace", tabs whose document has not arrived) follow the file: it is
 * validated again when it changes on disk and its findings are cleared when it is deleted. Files in
 * the workspace are covered by one glob watcher; a file outside the workspace folders gets a watcher
 * of its own while it has findings from disk.
 */
import * as vscode from 'vscode';
import { tooLargeToSync, type ValidationService } from './diagnostics';

/** Writes come in bursts (a tool rewriting a file): one run after the burst. */
const SETTLE_MS = 300;
const IMPORT_GLOB = '**/*.{jsonl,ndjson,csv}';

export function registerDiskWatch(service: ValidationService, log: vscode.LogOutputChannel): vscode.Disposable {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const outside = new Map<string, vscode.Disposable>();
  const hasDocument = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  const tabShows = (uri: vscode.Uri) =>
    vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));

  const changed = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file') return;
    const key = uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        // An open document is the source of truth (VS Code reloads it from disk itself).
        if (hasDocument(uri)) return;
        if (!service.report(uri)?.fromDisk && !tabShows(uri)) return;
        log.info(`${vscode.workspace.asRelativePath(uri)} changed on disk: validating it again`);
        void tooLargeToSync(uri)
          .then((large) => (large ? service.validateLargeFile(uri) : service.validateFromDisk(uri)))
          .then(undefined, (e) => log.error(`could not validate ${uri.fsPath} from disk: ${(e as Error).message}`));
      }, SETTLE_MS),
    );
  };
  const deleted = (uri: vscode.Uri) => {
    clearTimeout(timers.get(uri.toString()));
    timers.delete(uri.toString());
    if (service.report(uri)?.fromDisk && !hasDocument(uri)) service.clear(uri);
  };

  const watcher = vscode.workspace.createFileSystemWatcher(IMPORT_GLOB);
  const subscriptions: vscode.Disposable[] = [
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(deleted),
    service.onDidValidate((r) => {
      const key = r.uri.toString();
      if (r.uri.scheme !== 'file' || vscode.workspace.getWorkspaceFolder(r.uri)) return;
      if (r.fromDisk && !outside.has(key)) {
        const dir = vscode.Uri.joinPath(r.uri, '..');
        const own = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, r.uri.path.split('/').pop()!));
        outside.set(key, vscode.Disposable.from(own, own.onDidChange(changed), own.onDidCreate(changed), own.onDidDelete(deleted)));
      } else if (!r.fromDisk && outside.has(key)) {
        outside.get(key)!.dispose();
        outside.delete(key);
      }
    }),
  ];
  return new vscode.Disposable(() => {
    for (const t of timers.values()) clearTimeout(t);
    for (const d of [...subscriptions, ...outside.values()]) d.dispose();
  });
}
