/**
 * `vertex-datasets` command-line entry. Each subcommand lives in its own file under
 * `src/cli/commands/` and exports `run(args, io): Promise<number>` returning the exit code:
 * 0 = no errors, 1 = errors found (or the operation failed), 2 = usage or I/O problem.
 */
import type { CliIo } from './io';
import { defaultIo } from './io';
import { VERSION } from './version';

type Runner = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Runner }> }> = {
  validate: { summary: 'check import files (JSONL, CSV) against Vertex AI formats', load: () => import('./commands/validate') },
  stats: { summary: 'dataset statistics: labels, splits, boxes, text lengths, segments', load: () => import('./commands/stats') },
  split: { summary: 'assign items to training/validation/test (random, stratified, temporal, k-fold, group...)', load: () => import('./commands/split') },
  import: { summary: 'validate, upload and import a file into a Vertex AI dataset', load: () => import('./commands/import') },
  train: { summary: 'launch and follow AutoML training pipelines; model evaluations and export', load: () => import('./commands/train') },
  label: { summary: 'human data labeling jobs and specialist pools', load: () => import('./commands/label') },
  version: { summary: 'create, list and restore dataset versions', load: () => import('./commands/version') },
};

export function usage(): string {
  const lines = ['Usage: vertex-datasets <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `vertex-datasets <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`vertex-datasets: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest, io);
  } catch (e) {
    const err = e as Error;
    io.err(`vertex-datasets ${name}: ${err.message}\n`);
    if (process.env.VERTEX_DATASETS_DEBUG) io.err(`${err.stack}\n`);
    return 2;
  }
}
