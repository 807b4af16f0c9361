/**
 * Argument handling every subcommand shares: parsing with node:util, `--help`, and one-line
 * usage errors (`vertex-datasets NAME: reason` on stderr, exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FORMAT_IDS, isFormatId } from '../core/formats';
import type { CliIo } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  positionals: string[];
  /** Reports a problem in one line and returns the exit code (2, a usage problem, by default). */
  fail: (reason: string, code?: number) => number;
}

/**
 * Parses a subcommand's arguments. A number means the command is already done with that exit
 * code: `--help` was printed (0) or the arguments did not parse (2).
 */
export function parseCommand<const O extends Options>(name: string, args: string[], io: CliIo, options: O, help: string): CommandArgs<O> | number {
  const fail = (reason: string, code = 2) => {
    io.err(`vertex-datasets ${name}: ${reason}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    return fail((e as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(help);
    return 0;
  }
  return { values: parsed.values, positionals: parsed.positionals, fail };
}

/** The `--format` / `--schema` pair of validate and stats: a known format id, not both. */
export function formatOptionProblem(values: { format?: string; schema?: string }): string | undefined {
  if (values.format && !isFormatId(values.format)) return `unknown format "${values.format}" (known: ${FORMAT_IDS.join(', ')})`;
  if (values.format && values.schema) return 'give --format or --schema, not both';
  return undefined;
}
