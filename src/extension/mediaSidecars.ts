/**
 * The media sidecars beside an import file (`FILE.media.json`, `FILE.media.csv`: image sizes and
 * video durations, read as the CLI reads them), cached until the sidecar's size or time changes.
 * The editor uses them for fixes that need an image size (pixel boxes → relative boxes) and for
 * the dataset checks that need sizes or durations (boxes under 8x8 px, segments past a video's end).
 * Rows that cannot be read are `sidecar.invalid` warnings on the sidecar's lines, as in the CLI.
 */
import { stat, readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { codeDocUrl } from '../core/docs';
import { mergeMedia, parseMediaSidecar, SIDECAR_SUFFIXES, type MediaTable, type SidecarProblem } from '../core/dataset/media';

interface Entry {
  stamp: string;
  media: MediaTable;
}

export class MediaSidecars implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly problems = vscode.languages.createDiagnosticCollection('vertex-datasets-sidecars');
  /** The merged table per import file, kept while its sidecars' stamps are unchanged (same object: callers compare identity). */
  private readonly merged = new Map<string, { stamps: string; media: MediaTable | undefined }>();

  /** Bumped per import file by `release`: a read that started before it publishes nothing. */
  private readonly epochs = new Map<string, number>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /**
   * The import file is no longer shown (closed, or no longer an import file): its sidecars'
   * problems go, as VS Code drops a closed file's diagnostics; the next `forFile` publishes them again.
   */
  release(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    this.epochs.set(uri.fsPath, (this.epochs.get(uri.fsPath) ?? 0) + 1);
    for (const suffix of SIDECAR_SUFFIXES) {
      this.cache.delete(uri.fsPath + suffix);
      this.problems.delete(vscode.Uri.file(uri.fsPath + suffix));
    }
  }

  /** The merged table of the file's sidecars; undefined when it has none (or they cannot be read). */
  async forFile(uri: vscode.Uri): Promise<MediaTable | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const tables: MediaTable[] = [];
    const stamps: string[] = [];
    const epoch = this.epochs.get(uri.fsPath);
    for (const suffix of SIDECAR_SUFFIXES) {
      const path = uri.fsPath + suffix;
      try {
        const s = await stat(path);
        const stamp = `${s.size}:${s.mtimeMs}`;
        let entry = this.cache.get(path);
        if (entry?.stamp !== stamp) {
          const { media, problems } = parseMediaSidecar(await readFile(path, 'utf8'), path);
          entry = { stamp, media };
          if (this.epochs.get(uri.fsPath) === epoch) {
            for (const p of problems) this.log.warn(`${path}:${p.line}: ${p.message}`);
            this.publish(path, problems);
            this.cache.set(path, entry);
          }
        }
        tables.push(entry.media);
        stamps.push(`${suffix}=${stamp}`);
      } catch (e) {
        this.cache.delete(path);
        this.problems.delete(vscode.Uri.file(path));
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`cannot read media sidecar ${path}: ${(e as Error).message}`);
      }
    }
    const key = stamps.join(' ');
    const known = this.merged.get(uri.fsPath);
    if (known && known.stamps === key) return known.media;
    const media = tables.length === 0 ? undefined : tables.length === 1 ? tables[0] : mergeMedia(tables);
    this.merged.set(uri.fsPath, { stamps: key, media });
    return media;
  }

  private publish(path: string, problems: readonly SidecarProblem[]): void {
    this.problems.set(
      vscode.Uri.file(path),
      problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(p.line - 1, 0, p.line - 1, 1), p.message, vscode.DiagnosticSeverity.Warning);
        d.source = 'vertex-datasets';
        d.code = { value: 'sidecar.invalid', target: vscode.Uri.parse(codeDocUrl('sidecar.invalid')) };
        return d;
      }),
    );
  }

  dispose(): void {
    this.problems.dispose();
  }
}
