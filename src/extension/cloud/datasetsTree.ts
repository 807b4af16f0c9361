/**
 * The Datasets view. Nodes render themselves (`getTreeItem`) and load their own children; the
 * provider stays generic. Loading and errors are nodes, never pop-ups. Datasets load a page at a
 * time with a "Load more" node; versions, annotation sets and labels load when expanded.
 */
import * as vscode from 'vscode';
import type { Connection } from '../../cloud/connect';
import type { DatasetSummary } from '../../cloud/vertex';
import { describeCloudError } from '../../core/cloud/errors';
import { datasetTypeFilter } from '../../core/cloud/requests';
import type { DataType } from '../../core/formats';
import { BLOCKED_STATES, type CloudSession } from './session';

export interface TreeNode {
  readonly id: string;
  getTreeItem(): vscode.TreeItem;
  getChildren?(): Promise<TreeNode[]>;
}

export interface DatasetFilter {
  /** Case-insensitive substring of the display name (applied to loaded pages). */
  name?: string;
  /** Server-side filter on the dataset's metadata schema. */
  dataType?: DataType | 'time_series';
}

const PAGE_SIZE = 50;
const LABEL_SAMPLE = 2000;

const ICONS: Record<string, string> = { image: 'file-media', text: 'symbol-text', video: 'device-camera-video', tabular: 'table', time_series: 'graph-line' };

export class MessageNode implements TreeNode {
  constructor(readonly id: string, private readonly label: string, private readonly icon: string, private readonly tooltip?: string, private readonly command?: vscode.Command) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip ?? this.label;
    item.contextValue = this.icon === 'error' ? 'vertexError' : 'vertexMessage';
    if (this.command) item.command = this.command;
    return item;
  }
}

/**
 * A failed load. The view does not load again by itself (unlike the training views, which poll):
 * the message says how to, `retry` (the Retry node below it, or the view's Refresh).
 */
function errorNode(id: string, e: unknown, what: string, retry: string): MessageNode {
  const text = `${describeCloudError(e, { service: 'vertex', retryOffered: true }).message} ${retry}`;
  return new MessageNode(`${id}/error`, `Could not load ${what}: ${text}`, 'error', text);
}

class LabelNode implements TreeNode {
  constructor(readonly id: string, private readonly label: string, private readonly count: number) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = String(this.count);
    item.iconPath = new vscode.ThemeIcon('tag');
    item.contextValue = 'vertexLabel';
    return item;
  }
}

class GroupNode implements TreeNode {
  constructor(readonly id: string, private readonly label: string, private readonly icon: string, private readonly load: () => Promise<TreeNode[]>) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = 'vertexGroup';
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    try {
      const nodes = await this.load();
      return nodes.length ? nodes : [new MessageNode(`${this.id}/empty`, 'None', 'info')];
    } catch (e) {
      return [errorNode(this.id, e, this.label.toLowerCase(), 'Refresh the view to try again.')];
    }
  }
}

export class DatasetNode implements TreeNode {
  readonly id: string;
  constructor(readonly dataset: DatasetSummary, private readonly conn: Connection) {
    this.id = dataset.name;
  }
  getTreeItem(): vscode.TreeItem {
    const d = this.dataset;
    const item = new vscode.TreeItem(d.displayName || d.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(ICONS[d.dataType ?? ''] ?? 'database');
    const updated = d.updateTime ? d.updateTime.toISOString().slice(0, 10) : '';
    item.description = `${d.itemCount} item${d.itemCount === 1 ? '' : 's'}${updated ? ` · updated ${updated}` : ''}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${d.displayName}** (${d.dataType ?? 'unknown type'})\n\n`);
    md.appendMarkdown(`\`${d.name}\`\n\n${d.itemCount} data items`);
    if (d.createTime) md.appendMarkdown(` · created ${d.createTime.toISOString().slice(0, 16).replace('T', ' ')}`);
    const labels = Object.entries(d.labels);
    if (labels.length) md.appendMarkdown(`\n\nLabels: ${labels.map(([k, v]) => `\`${k}=${v}\``).join(', ')}`);
    item.tooltip = md;
    item.contextValue = `vertexDataset.${d.dataType ?? 'unknown'}`;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const v = this.conn.vertex;
    const name = this.dataset.name;
    const groups: TreeNode[] = [
      new GroupNode(`${name}/versions`, 'Versions', 'versions', async () =>
        (await v.listVersions(name)).map((x) => new MessageNode(x.name, x.displayName || x.name.split('/').pop() || '', 'history', x.createTime ? `created ${x.createTime.toISOString()}` : x.name))),
      new GroupNode(`${name}/annotationSets`, 'Annotation sets', 'layers', async () =>
        (await v.listSavedQueries(name)).map((q) => new MessageNode(q.name, `${q.displayName} (${q.problemType}, ${q.annotationSpecCount} label${q.annotationSpecCount === 1 ? '' : 's'})`, 'layers', q.name))),
    ];
    if (this.dataset.dataType !== 'tabular' && this.dataset.dataType !== 'time_series') {
      groups.push(
        new GroupNode(`${name}/labels`, 'Labels', 'tag', async () => {
          const r = await v.labelCounts(name, LABEL_SAMPLE);
          const nodes: TreeNode[] = [...r.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l, n]) => new LabelNode(`${name}/labels/${l}`, l, n));
          if (!r.complete) nodes.push(new MessageNode(`${name}/labels/partial`, `Counted over the first ${r.items} items`, 'info'));
          return nodes;
        }),
      );
    }
    return groups;
  }
}

export class DatasetsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded'; datasets: DatasetSummary[]; nextPageToken?: string; conn: Connection } | { kind: 'error'; error: unknown } = { kind: 'idle' };
  private generation = 0;
  filter: DatasetFilter = {};
  /** Fires after each root load settles (tests wait on it instead of sleeping). */
  private readonly loaded = new vscode.EventEmitter<void>();
  readonly onDidLoad = this.loaded.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly session: CloudSession) {
    this.subs = [session.onDidChange(() => this.refresh())];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren ? node.getChildren() : [];
    const status = this.session.status();
    if (BLOCKED_STATES.includes(status.state)) return []; // welcome content explains
    switch (this.state.kind) {
      case 'idle':
        void this.loadFirstPage();
        return [new MessageNode('loading', 'Loading datasets…', 'loading~spin')];
      case 'loading':
        return [new MessageNode('loading', 'Loading datasets…', 'loading~spin')];
      case 'error':
        return [errorNode('root', this.state.error, 'datasets', 'Select Retry to try again.'), new MessageNode('retry', 'Retry', 'refresh', undefined, { title: 'Retry', command: 'vertexDatasets.datasets.refresh' })];
      case 'loaded': {
        const { conn, datasets, nextPageToken } = this.state;
        const needle = this.filter.name?.toLowerCase();
        const shown = needle ? datasets.filter((d) => d.displayName.toLowerCase().includes(needle)) : datasets;
        const nodes: TreeNode[] = shown.map((d) => new DatasetNode(d, conn));
        if (!shown.length) nodes.push(new MessageNode('empty', this.describeFilter() ? `No datasets match ${this.describeFilter()}` : `No datasets in ${conn.project} (${conn.region})`, 'info'));
        if (nextPageToken) nodes.push(new MessageNode('more', 'Load more…', 'ellipsis', undefined, { title: 'Load more', command: 'vertexDatasets.datasets.loadMore' }));
        return nodes;
      }
    }
  }

  describeFilter(): string {
    const parts: string[] = [];
    if (this.filter.dataType) parts.push(`type ${this.filter.dataType}`);
    if (this.filter.name) parts.push(`name containing "${this.filter.name}"`);
    return parts.join(' and ');
  }

  private async loadFirstPage(): Promise<void> {
    const gen = ++this.generation;
    this.state = { kind: 'loading' };
    try {
      const conn = await this.session.connection();
      const page = await conn.vertex.listDatasets({ pageSize: PAGE_SIZE, filter: this.filter.dataType ? datasetTypeFilter(this.filter.dataType) : undefined, orderBy: 'update_time desc' });
      if (gen !== this.generation) return;
      this.state = { kind: 'loaded', conn, datasets: page.datasets, nextPageToken: page.nextPageToken };
    } catch (e) {
      if (gen !== this.generation) return;
      this.state = { kind: 'error', error: e };
    }
    this.changed.fire(undefined);
    this.loaded.fire();
  }

  async loadMore(): Promise<void> {
    if (this.state.kind !== 'loaded' || !this.state.nextPageToken) return;
    const s = this.state;
    const gen = this.generation;
    try {
      const page = await s.conn.vertex.listDatasets({ pageSize: PAGE_SIZE, pageToken: s.nextPageToken, filter: this.filter.dataType ? datasetTypeFilter(this.filter.dataType) : undefined, orderBy: 'update_time desc' });
      if (gen !== this.generation) return;
      this.state = { ...s, datasets: [...s.datasets, ...page.datasets], nextPageToken: page.nextPageToken };
    } catch (e) {
      this.state = { kind: 'error', error: e };
    }
    this.changed.fire(undefined);
    this.loaded.fire();
  }

  /** Reloads from the first page (filters that change the server query need this). */
  refresh(): void {
    this.generation++;
    this.state = { kind: 'idle' };
    void this.session.updateContext();
    this.changed.fire(undefined);
  }

  /** Re-renders without reloading (a name filter applies to what is loaded). */
  rerender(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    this.loaded.dispose();
    for (const s of this.subs) s.dispose();
  }
}
