/**
 * Dataset split: decides a split for every item of an import file and rewrites only the items'
 * ml_use (JSONL label, the first column of image/text/video CSVs, a named column of tabular CSVs).
 * Two streaming passes over the file; memory bounded by a few numbers per item.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FileDestination, MemoryDestination, SplitError, planSplit, writeSplit, writesFoldFiles } from './run';
import type { SplitOptions, SplitPlan } from './run';

export { STRATEGIES, SplitError, planSplit, writeSplit, writesFoldFiles } from './run';
export type { SplitOptions, SplitPlan, StrategyName } from './run';
export { formatReport } from './report';
export type { SplitReport } from './report';
export { parseFractions, defaultFractions, allocate } from './fractions';
export { parseTimestamp } from './adapter';
export { mlUseEdits } from './jsonl';
export { CLI_HINTS, EDITOR_HINTS } from './hints';
export type { SplitHints } from './hints';

/** `data.jsonl` → `data.fold3.jsonl`; `data` → `data.fold3`. */
export function foldPath(base: string, fold: number): string {
  return bucketPath(base, `fold${fold + 1}`);
}

/** `data.jsonl` → `data.training.jsonl`. */
export function bucketPath(base: string, bucket: string): string {
  const ext = extname(base);
  return `${base.slice(0, base.length - ext.length)}.${bucket}${ext}`;
}

/**
 * Where a plan's output goes: `perSplit` = one file per split (or per fold), named after `base`;
 * otherwise one file, or one per fold for k-fold on image/text/video files.
 */
export function outputPaths(plan: SplitPlan, base: string, perSplit: boolean): string[] {
  if (perSplit || writesFoldFiles(plan)) return plan.buckets.map((b) => bucketPath(base, b));
  return [base];
}

export interface SplitFileResult {
  plan: SplitPlan;
  /** Files written (none for a dry run). */
  written: string[];
}

/**
 * Splits a file on disk. `output`: undefined = plan and report only; 'in-place' = replace the
 * input (through a temp file renamed over it); a path = write there (k-fold on image/text/video
 * files: the path names the fold files, `name.fold1.ext` ... `name.foldK.ext`).
 */
export async function splitFile(input: string, opts: SplitOptions, output?: string | 'in-place', perSplit = false): Promise<SplitFileResult> {
  let size = 0;
  try {
    const st = await stat(input);
    if (!st.isFile()) throw new SplitError(`${input} is not a file`, 2);
    size = st.size;
  } catch (e) {
    if (e instanceof SplitError) throw e;
    throw new SplitError(`cannot read ${input}: ${(e as Error).message}`, 2);
  }
  if (perSplit && (opts.strategy === 'kfold' || opts.strategy === 'stratified-kfold')) {
    throw new SplitError('one file per split does not apply to k-fold (it writes a fold column or one file per fold already)', 2);
  }
  const plan = await planSplit({ path: input }, opts, input, size);
  if (output === undefined) return { plan, written: [] };
  const many = perSplit || writesFoldFiles(plan);
  if (many && output === 'in-place') {
    throw new SplitError(
      perSplit ? 'one file per split cannot replace the input; give --out PATH to name them (PATH.training ...)' : 'k-fold on an image/text/video file writes one file per fold; give --out PATH to name them (PATH.fold1 ...)',
      2,
    );
  }
  // In place through a symbolic link: the file it points to is replaced and the link stays a link
  // (renaming over the link's own path would replace the link with a copy and leave the file as it was).
  const inPlaceTarget = output === 'in-place' ? await realpath(input).catch(() => input) : undefined;
  const targets = outputPaths(plan, inPlaceTarget ?? (output as string), perSplit);
  return { plan, written: await writeFiles(plan, input, targets, size, perSplit) };
}

/** Pass 2 into files (temp files renamed into place); returns the paths written. */
export async function writeFiles(plan: SplitPlan, input: string, targets: string[], size: number, perSplit = false): Promise<string[]> {
  for (const t of targets) {
    // Found here, not when the temp file is renamed over the target after the whole pass.
    if ((await stat(t).catch(() => undefined))?.isDirectory()) throw new SplitError(`cannot write ${t}: it is a folder; give a file path`, 2);
    const folder = dirname(resolve(t));
    if (!(await stat(folder).catch(() => undefined))?.isDirectory()) throw new SplitError(`cannot write ${t}: the folder ${folder} does not exist`, 2);
  }
  const destinations: FileDestination[] = [];
  const original = await realpath(input).catch(() => resolve(input));
  const replacesInput = (t: string) => resolve(t) === resolve(input) || resolve(t) === original;
  try {
    // Replacing a file keeps its permission bits (the input's in place, an earlier output's when
    // overwritten); a new file gets the usual ones (umask), not the input's: a read-only input
    // would give a read-only output.
    for (const t of targets) {
      const inPlace = replacesInput(t);
      const modeFrom = inPlace ? input : (await stat(t).catch(() => undefined))?.isFile() ? t : undefined;
      destinations.push(await FileDestination.create(resolve(t), modeFrom, inPlace));
    }
  } catch (e) {
    for (const d of destinations) await d.abort();
    throw new SplitError(`cannot write ${targets[destinations.length]}: ${(e as Error).message}`, 2);
  }
  try {
    await writeSplit(plan, destinations, size, perSplit);
  } catch (e) {
    // An I/O error midway (disk full, file too large): the temp files are gone, the targets untouched.
    if (!(e as NodeJS.ErrnoException).code || e instanceof SplitError || (e as Error).name === 'AbortError') throw e;
    const inPlace = targets.length === 1 && replacesInput(targets[0]);
    throw new SplitError(`cannot write ${targets.join(', ')}: ${(e as Error).message}${inPlace ? `; ${targets[0]} is unchanged` : ''}`, 2);
  }
  return targets;
}

/**
 * Splits text held in memory (an open editor document). Returns the new text of each output:
 * one for a plain split, one per split with `perSplit`, k for k-fold on image/text/video files.
 */
export async function splitText(text: string, opts: SplitOptions, pathHint?: string, perSplit = false): Promise<{ plan: SplitPlan; outputs: string[] }> {
  const bytes = Buffer.from(text, 'utf8');
  const plan = await planSplit({ bytes }, opts, pathHint, bytes.length);
  return { plan, outputs: await writeTexts(plan, perSplit) };
}

/** Pass 2 into memory for a plan made from bytes. */
export async function writeTexts(plan: SplitPlan, perSplit = false): Promise<string[]> {
  const n = perSplit || writesFoldFiles(plan) ? plan.buckets.length : 1;
  const destinations = Array.from({ length: n }, () => new MemoryDestination());
  await writeSplit(plan, destinations, 'bytes' in plan.source ? plan.source.bytes.length : 0, perSplit);
  return destinations.map((d) => d.result!.toString('utf8'));
}
