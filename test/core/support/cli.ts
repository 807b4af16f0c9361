// Runs the CLI in process with its output captured, as the tests that read what a user sees need.
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `vertex-datasets ARGS` run in `cwd`: exit code, standard output and standard error. */
export async function cli(args: string[], cwd = process.cwd()): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), cwd });
  return { code, out, err };
}
