/**
 * The Training Pipelines and Labeling Jobs views. Nodes render themselves; loading and errors
 * are nodes. While anything is still running, or the last load failed, the view reloads itself
 * on a timer, and stops when everything shown has ended.
 */
import * as vscode from 'vscode';
import type { LabelingJobSummary, PipelineSummary, TrainingCloud } from '../../cloud/training';
import { describeCloudError } from '../../core/cloud/errors';
import { OBJECTIVES, OBJECTIVE_IDS, milliToNodeHours } from '../../core/training/objectives';
import type { TreeNode } from '../cloud/datasetsTree';
import { MessageNode } from '../cloud/datasetsTree';

const PIPELINE_TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const JOB_TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED'];

const STATE_ICONS: Record<string, [string, string?]> = {
  QUEUED: ['clock'],
  PENDING: ['clock'],
  RUNNING: ['sync~spin', 'charts.blue'],
  CANCELLING: ['sync~spin', 'charts.yellow'],
  SUCCEEDED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  CANCELLED: ['circle-slash'],
  PAUSED: ['debug-pause'],
  EXPIRED: ['watch'],
};

function stateIcon(state: string): vscode.ThemeIcon {
  const [id, color] = STATE_ICONS[state] ?? ['circle-outline'];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** "1h05m", "3m20s", "12s": wall time since the pipeline started (to its end when it ended). */
export function elapsedText(start?: string, end?: string, now = Date.now()): string {
  if (!start) return '';
  const s = Math.max(0, Math.round(((end ? Date.parse(end) : now) - Date.parse(start)) / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function objectiveTitle(p: PipelineSummary): string {
  const inputs = p.trainingTaskInputs as { multiLabel?: boolean; predictionType?: string } | null;
  const o = OBJECTIVE_IDS.map((id) => OBJECTIVES[id]).find((x) => x.definitionUri === p.trainingTaskDefinition);
  if (!o) return p.trainingTaskDefinition.split('/').pop() ?? '';
  if (o.id.startsWith('image-classification')) return inputs?.multiLabel ? OBJECTIVES['image-classification-multi-label'].title : OBJECTIVES['image-classification-single-label'].title;
  if (o.id.startsWith('tabular')) return inputs?.predictionType === 'regression' ? OBJECTIVES['tabular-regression'].title : OBJECTIVES['tabular-classification'].title;
  return o.title;
}

export function budgetText(p: PipelineSummary): string {
  const i = p.trainingTaskInputs as { budgetMilliNodeHours?: number | string; trainBudgetMilliNodeHours?: number | string } | null;
  const b = i?.budgetMilliNodeHours ?? i?.trainBudgetMilliNodeHours;
  return b === undefined ? '' : `${milliToNodeHours(Number(b))} node h`;
}

export class ModelNode implements TreeNode {
  readonly id: string;
  constructor(readonly modelName: string, private readonly displayName: string) {
    this.id = `model:${modelName}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Model: ${this.displayName}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-class');
    item.tooltip = `${this.modelName}\nOpen the evaluation`;
    item.contextValue = 'vertexModel';
    item.command = { title: 'Open Evaluation', command: 'vertexDatasets.training.openEvaluation', arguments: [this] };
    return item;
  }
}

export class PipelineNode implements TreeNode {
  readonly id: string;
  constructor(readonly pipeline: PipelineSummary) {
    this.id = pipeline.name;
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.pipeline;
    const children = !!(p.modelName || p.error);
    const item = new vscode.TreeItem(p.displayName || p.id, children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = stateIcon(p.state);
    const elapsed = elapsedText(p.startTime, p.endTime);
    item.description = [p.state.toLowerCase(), objectiveTitle(p), budgetText(p), elapsed].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${p.displayName}** — ${p.state}\n\n\`${p.name}\`\n\n${objectiveTitle(p)}${budgetText(p) ? ` · budget ${budgetText(p)}` : ''}${elapsed ? ` · ${elapsed}` : ''}`);
    if (p.error) md.appendMarkdown(`\n\n**Error:** ${p.error.message}`);
    item.tooltip = md;
    item.contextValue = `vertexPipeline.${PIPELINE_TERMINAL.includes(p.state) ? 'ended' : 'running'}`;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const p = this.pipeline;
    const out: TreeNode[] = [];
    if (p.error) out.push(new MessageNode(`${p.name}/error`, p.error.message, 'error', p.error.message));
    if (p.modelName) out.push(new ModelNode(p.modelName, p.modelDisplayName ?? p.displayName));
    return out;
  }
}

export class LabelingJobNode implements TreeNode {
  readonly id: string;
  constructor(readonly job: LabelingJobSummary) {
    this.id = job.name;
  }
  getTreeItem(): vscode.TreeItem {
    const j = this.job;
    const children = !!(j.error || j.specialistPools.length);
    const item = new vscode.TreeItem(j.displayName || j.id, children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = stateIcon(j.state);
    const spend = j.currentSpend ? `$${j.currentSpend.amount.toFixed(2)}` : '';
    item.description = [j.state.toLowerCase(), `${j.labelingProgress}%`, spend, `${j.labelerCount} labeler${j.labelerCount === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
    item.tooltip = `${j.name}\n${j.state}, ${j.labelingProgress}% labeled, current spend ${spend || '$0.00'}${j.error ? `\nError: ${j.error.message}` : ''}`;
    item.contextValue = `vertexLabelingJob.${JOB_TERMINAL.includes(j.state) ? 'ended' : 'running'}`;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const j = this.job;
    return [
      ...(j.error ? [new MessageNode(`${j.name}/error`, j.error.message, 'error', j.error.message)] : []),
      ...j.specialistPools.map((p) => new MessageNode(`${j.name}/pool/${p}`, `Specialist pool ${p.split('/').pop()}`, 'organization', p)),
    ];
  }
}

type Loader<T> = (cloud: TrainingCloud, parent: string) => Promise<T[]>;

/** A flat, self-refreshing list view over one list call. */
export class ListTreeProvider<T> implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<void>();
  /** Fires after each root load (tests wait on it). */
  readonly onDidLoad = this.loaded.event;
  private state: { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded'; items: T[]; refreshError?: unknown } | { kind: 'error'; error: unknown } = { kind: 'idle' };
  private timer?: NodeJS.Timeout;
  private generation = 0;

  constructor(
    private readonly open: () => Promise<{ cloud: TrainingCloud; parent: string }>,
    private readonly load: Loader<T>,
    private readonly node: (t: T) => TreeNode,
    private readonly running: (t: T) => boolean,
    private readonly what: string,
    /** Milliseconds between reloads while something runs (read on every reload). */
    readonly refreshMs: () => number,
    /** True when the views' welcome content explains what is missing (project, credentials). */
    private readonly blocked: () => boolean = () => false,
  ) {}

  getTreeItem(n: TreeNode): vscode.TreeItem {
    return n.getTreeItem();
  }

  async getChildren(n?: TreeNode): Promise<TreeNode[]> {
    if (n) return (await n.getChildren?.()) ?? [];
    if (this.blocked()) return [];
    switch (this.state.kind) {
      case 'idle':
        void this.start();
        return [new MessageNode('loading', `Loading ${this.what}…`, 'loading~spin')];
      case 'loading':
        return [new MessageNode('loading', `Loading ${this.what}…`, 'loading~spin')];
      case 'error': {
        const info = describeCloudError(this.state.error, { service: 'vertex', retriesItself: true });
        const text = `${info.message} ${this.retryText()}`;
        return [new MessageNode('error', `Could not load ${this.what}: ${text}`, 'error', text)];
      }
      case 'loaded': {
        const nodes = this.state.items.length ? this.state.items.map(this.node) : [new MessageNode('empty', `No ${this.what} yet`, 'info')];
        if (this.state.refreshError === undefined) return nodes;
        const info = describeCloudError(this.state.refreshError, { service: 'vertex', retriesItself: true });
        const text = `${info.message} ${this.retryText()}`;
        return [new MessageNode('refreshError', `Could not refresh ${this.what} (showing the last list): ${text}`, 'warning', text), ...nodes];
      }
    }
  }

  /** The view reloads a failed list on its own (see `schedule`), so the message says when instead of asking for a retry. */
  private retryText(): string {
    return `Trying again every ${Math.round(this.refreshMs() / 100) / 10} s.`;
  }

  private async start(): Promise<void> {
    const gen = ++this.generation;
    if (this.state.kind !== 'loaded') this.state = { kind: 'loading' };
    try {
      const { cloud, parent } = await this.open();
      const items = await this.load(cloud, parent);
      if (gen !== this.generation) return;
      this.state = { kind: 'loaded', items };
    } catch (e) {
      if (gen !== this.generation) return;
      // A failed refresh keeps what was shown (jobs still running stay visible) and keeps polling.
      this.state = this.state.kind === 'loaded' ? { kind: 'loaded', items: this.state.items, refreshError: e } : { kind: 'error', error: e };
    }
    this.changed.fire(undefined);
    this.loaded.fire();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    // A failed load is tried again on the same schedule, first load or refresh: a passing outage
    // must not leave the view on an error until the user presses Refresh.
    const failed = this.state.kind === 'error' || (this.state.kind === 'loaded' && this.state.refreshError !== undefined);
    if ((failed && !this.blocked()) || (this.state.kind === 'loaded' && this.state.items.some(this.running))) {
      this.timer = setTimeout(() => void this.start(), this.refreshMs());
    }
  }

  /** Reloads now (the refresh button, after a launch or cancel). */
  refresh(): void {
    void this.start();
  }

  /** Forgets everything (the connection changed). */
  reset(): void {
    clearTimeout(this.timer);
    this.generation++;
    this.state = { kind: 'idle' };
    this.changed.fire(undefined);
  }

  items(): T[] {
    return this.state.kind === 'loaded' ? this.state.items : [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    this.loaded.dispose();
  }
}

type Open = () => Promise<{ cloud: TrainingCloud; parent: string }>;

export function pipelinesProvider(open: Open, refreshMs: () => number, blocked?: () => boolean): ListTreeProvider<PipelineSummary> {
  return new ListTreeProvider(open, (c, parent) => c.listTrainingPipelines(parent), (p) => new PipelineNode(p), (p) => !PIPELINE_TERMINAL.includes(p.state), 'training pipelines', refreshMs, blocked);
}

export function labelingJobsProvider(open: Open, refreshMs: () => number, blocked?: () => boolean): ListTreeProvider<LabelingJobSummary> {
  return new ListTreeProvider(open, (c, parent) => c.listDataLabelingJobs(parent), (j) => new LabelingJobNode(j), (j) => !JOB_TERMINAL.includes(j.state), 'labeling jobs', refreshMs, blocked);
}
