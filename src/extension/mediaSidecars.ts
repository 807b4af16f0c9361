/**
 * The media sidecars beside an import file (`FILE.media.json`, `FILE.media.csv`: image sizes and
 * video durations, read as the CLI reads them), cached until the sidecar's size or time changes.
 * The editor uses them for fixes that need an image size (pixel boxes → relative boxes).
 */
import { stat, readFile } from 'node:fs/promises';
import type * as vscode from 'vscode';
import { mergeMedia, parseMediaSidecar, SIDECAR_SUFFIXES, type MediaTable } from '../core/dataset/media';

interface Entry {
  stamp: string;
  media: MediaTable;
}

export class MediaSidecars {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The merged table of the file's sidecars; undefined when it has none (or they cannot be read). */
  async forFile(uri: vscode.Uri): Promise<MediaTable | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const tables: MediaTable[] = [];
    for (const suffix of SIDECAR_SUFFIXES) {
      const path = uri.fsPath + suffix;
      try {
        const s = await stat(path);
        const stamp = `${s.size}:${s.mtimeMs}`;
        let entry = this.cache.get(path);
        if (entry?.stamp !== stamp) {
          const { media, problems } = parseMediaSidecar(await readFile(path, 'utf8'), path);
          for (const p of problems) this.log.warn(`${path}:${p.line}: ${p.message}`);
          entry = { stamp, media };
          this.cache.set(path, entry);
        }
        tables.push(entry.media);
      } catch (e) {
        this.cache.delete(path);
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`cannot read media sidecar ${path}: ${(e as Error).message}`);
      }
    }
    return tables.length ? mergeMedia(tables) : undefined;
  }
}
