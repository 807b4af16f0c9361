import * as vscode from 'vscode';
import type { SplitReport, StrategyName } from '../../core/split';

/** What the wizard asks. Text fields stay text: the core parses and explains bad input. */
export interface SplitChoices {
  strategy: StrategyName;
  fractions?: string;
  seed: number;
  /** Group key / label column (`--by`). */
  by?: string;
  timeField?: string;
  cutoffs?: string;
  k?: number;
}

export interface WizardContext {
  fileName: string;
  kind: 'jsonl' | 'csv';
  /** Header columns of a tabular CSV (key column choices). */
  columns: string[];
  video: boolean;
}

export interface ReviewContext {
  /** The split can be applied to the open document as one undoable edit. */
  canApplyToDocument: boolean;
  /** The files that "write new files" would create. */
  newFiles: string[];
}

export type ReviewAnswer = 'document' | 'files' | undefined;

/**
 * The wizard's questions, injectable so the in-host tests drive the real command without
 * clicking through quick picks.
 */
export interface SplitUi {
  choose(ctx: WizardContext): Promise<SplitChoices | undefined>;
  review(report: SplitReport, text: string, ctx: ReviewContext): Promise<ReviewAnswer>;
}

const STRATEGY_PICKS: { label: string; detail: string; value: StrategyName }[] = [
  { label: 'Random', detail: 'Exact counts for the fractions (default 80/10/10; video 80/20)', value: 'random' },
  { label: 'Stratified by label', detail: 'Every label in every split in proportion (multi-label: iterative stratification)', value: 'stratified' },
  { label: 'Keep existing, assign the rest', detail: 'Valid ml_use values stay; only unassigned items are split', value: 'manual' },
  { label: 'Temporal', detail: 'Oldest items to training, newest to test, by a timestamp field', value: 'temporal' },
  { label: 'Group-aware', detail: 'Items sharing a key (same media by default) land in the same split', value: 'group' },
  { label: 'K-fold', detail: 'K folds: K files, or a fold column for tabular CSVs', value: 'kfold' },
  { label: 'Stratified k-fold', detail: 'K folds with every label in every fold in proportion', value: 'stratified-kfold' },
];

async function pickKey(ctx: WizardContext, title: string, placeHolder: string, optional: boolean): Promise<string | undefined | null> {
  if (ctx.kind === 'csv' && ctx.columns.length > 0) {
    const items = [...(optional ? [{ label: '$(dash) Same media URI', value: '' }] : []), ...ctx.columns.map((c) => ({ label: c, value: c }))];
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder });
    return picked ? picked.value || undefined : null;
  }
  const v = await vscode.window.showInputBox({ title, placeHolder, prompt: optional ? 'Leave empty for the default' : undefined });
  return v === undefined ? null : v.trim() || undefined;
}

/** The wizard as quick picks and input boxes; null from a step means the user cancelled. */
export const vscodeSplitUi: SplitUi = {
  async choose(ctx) {
    const strategy = await vscode.window.showQuickPick(STRATEGY_PICKS, { title: `Split ${ctx.fileName}: strategy`, matchOnDetail: true });
    if (!strategy) return undefined;
    const choices: SplitChoices = { strategy: strategy.value, seed: 0 };
    const kfold = strategy.value.endsWith('kfold');
    if (kfold) {
      const k = await vscode.window.showInputBox({ title: 'Number of folds', value: '5', validateInput: (v) => (/^\d+$/.test(v) && +v >= 2 && +v <= 100 ? undefined : 'a whole number from 2 to 100') });
      if (k === undefined) return undefined;
      choices.k = Number(k);
    } else {
      const fractions = await vscode.window.showInputBox({
        title: ctx.video ? 'Fractions: training,test (video has no validation split)' : 'Fractions: training,validation,test',
        value: ctx.video ? '0.8,0.2' : '0.8,0.1,0.1',
      });
      if (fractions === undefined) return undefined;
      choices.fractions = fractions;
    }
    const seed = await vscode.window.showInputBox({ title: 'Seed (the same seed gives the same split)', value: '0', validateInput: (v) => (/^-?\d+$/.test(v.trim()) ? undefined : 'an integer') });
    if (seed === undefined) return undefined;
    choices.seed = Number(seed.trim());
    // An image/text/video CSV has no named columns: its rows are grouped by media URI.
    if (strategy.value === 'group' && (ctx.kind === 'jsonl' || ctx.columns.length > 0)) {
      const by = await pickKey(ctx, 'Items with the same value stay together', ctx.kind === 'jsonl' ? 'field path, e.g. dataItemResourceLabels.user (empty: same media URI)' : 'column', ctx.kind === 'jsonl');
      if (by === null) return undefined;
      choices.by = by;
    } else if ((strategy.value === 'stratified' || strategy.value === 'stratified-kfold') && ctx.kind === 'csv' && ctx.columns.length > 0) {
      const by = await pickKey(ctx, 'Label column to stratify by', 'column', false);
      if (by === null) return undefined;
      choices.by = by;
    } else if (strategy.value === 'temporal') {
      const field = await pickKey(ctx, 'Timestamp field or column', 'e.g. capturedAt', false);
      if (field === null || field === undefined) return undefined;
      choices.timeField = field;
    }
    return choices;
  },

  async review(_report, text, ctx) {
    const buttons: string[] = [];
    if (ctx.canApplyToDocument) buttons.push('Apply to Document');
    buttons.push(ctx.newFiles.length === 1 ? 'Write New File' : `Write ${ctx.newFiles.length} New Files`);
    const answer = await vscode.window.showInformationMessage('Split preview', { modal: true, detail: text }, ...buttons);
    if (answer === 'Apply to Document') return 'document';
    return answer ? 'files' : undefined;
  },
};
