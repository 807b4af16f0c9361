/**
 * Statistics of the dataset a file belongs to: the import files of its format in its folder and
 * the folders below, as `vertex-datasets stats FOLDER` counts them (the same `runDataset` pass, so
 * the figures are the CLI's). Read from disk: unsaved edits are not in them.
 */
import * as path from 'node:path';
import { runDataset } from '../cli/dataset';
import { statsReport, type StatsReport } from '../cli/commands/stats';
import type { FormatId } from '../core/formats';

export interface FolderDataset {
  /** The dataset of `format`, undefined when no file of the folder is read as that format. */
  dataset?: StatsReport['datasets'][number];
  /** Import files of the folder read as another format (other datasets, as for the CLI). */
  otherFormats: FormatId[];
  /** Files the CLI would refuse (unreadable, format unknown), as its messages. */
  problems: string[];
}

export async function folderDataset(folder: string, format: FormatId, strict: boolean): Promise<FolderDataset> {
  const run = await runDataset([folder], { maxDiagnostics: 1000, countOnly: true, strict }, folder);
  const report = statsReport(run.datasets, run.reports, folder);
  const i = run.datasets.findIndex((d) => d.format === format);
  return {
    dataset: i >= 0 ? report.datasets[i] : undefined,
    otherFormats: run.datasets.filter((d) => d.format !== format).map((d) => d.format),
    problems: run.problems,
  };
}

/** The folder a file's dataset is looked for in. */
export function datasetFolderOf(file: string): string {
  return path.dirname(file);
}
