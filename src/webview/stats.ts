// The statistics page (runs in the webview, bundled with Chart.js into media/dist/stats.js).
// Receives the dataset statistics from the host and draws label counts, split x label and the
// distributions; colours follow the VS Code theme through its CSS variables.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import type { Histogram } from '../core/dataset/stats';
import type { HostToView, RenderedCharts, StatsPayload, ViewToHost } from './protocol';
import { statsHeadline, statsSummary } from './summary';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const charts: Chart[] = [];

function css(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function histogramLabels(h: Histogram): string[] {
  return h.buckets.map((b) => (b.to === null ? `≥ ${b.from}` : `${b.from}–${b.to}`));
}

function chart(parent: HTMLElement, title: string, config: ChartConfiguration<'bar'>): void {
  const section = el('section');
  section.append(el('h2', title));
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  section.append(canvas);
  parent.append(section);
  const fg = css('--vscode-foreground', '#333');
  const grid = css('--vscode-editorWidget-border', '#8884');
  const options = config.options ?? {};
  options.animation = false;
  options.maintainAspectRatio = false;
  options.plugins = { ...options.plugins, legend: { labels: { color: fg } } };
  options.scales = {
    x: { ticks: { color: fg }, grid: { color: grid }, stacked: options.scales?.x?.stacked },
    y: { ticks: { color: fg }, grid: { color: grid }, beginAtZero: true, stacked: options.scales?.y?.stacked },
  };
  config.options = options;
  charts.push(new Chart(canvas, config));
}

function render(p: StatsPayload): void {
  for (const c of charts.splice(0)) c.destroy();
  const root = document.getElementById('root')!;
  root.replaceChildren();
  const head = el('header');
  head.append(el('h1', p.file));
  const headline = statsHeadline(p);
  head.append(el('p', headline));
  root.append(head);
  const kind = Array.from(document.body.classList).find((c) => /^vscode-(light|dark|high-contrast(-light)?)$/.test(c)) ?? 'unknown';
  const rendered: RenderedCharts = {
    labels: { names: [], items: [] },
    splits: { training: [], validation: [], test: [], unassigned: [] },
    distributions: [],
    text: [headline],
    theme: { kind, foreground: css('--vscode-foreground', '#333') },
  };
  const s = p.stats;
  if (!s) {
    root.append(el('p', 'No statistics: dataset checks are off (setting vertexDatasets.datasetChecks) or the file has no items yet.', 'note'));
    vscode.postMessage({ type: 'rendered', charts: rendered });
    return;
  }
  for (const line of statsSummary(s)) {
    root.append(el('p', line, 'summary'));
    rendered.text.push(line);
  }

  const names = s.labels.map((l) => l.name);
  rendered.labels = { names, items: s.labels.map((l) => l.items) };
  const accent = css('--vscode-charts-blue', '#3794ff');
  chart(root, 'Items per label (click a bar to go to the label’s first line)', {
    type: 'bar',
    data: { labels: names, datasets: [{ label: 'items', data: rendered.labels.items, backgroundColor: accent }] },
    options: {
      indexAxis: names.length > 12 ? 'y' : 'x',
      onClick: (_e, elements) => {
        const i = elements[0]?.index;
        if (i !== undefined) vscode.postMessage({ type: 'revealLabel', label: names[i] });
      },
    },
  });

  // The same labels as buttons: reachable by keyboard and screen readers, which a canvas is not.
  const list = el('nav', undefined, 'labels');
  list.setAttribute('aria-label', 'Go to the first line of a label');
  for (const l of s.labels) {
    const b = el('button', `${l.name} · ${l.items}`);
    b.dataset.label = l.name;
    b.title = `Go to the first line labeled ${l.name}`;
    b.addEventListener('click', () => vscode.postMessage({ type: 'revealLabel', label: l.name }));
    list.append(b);
  }
  root.append(list);

  const splitColors: Record<keyof RenderedCharts['splits'], string> = {
    training: css('--vscode-charts-green', '#388a34'),
    validation: css('--vscode-charts-yellow', '#bf8803'),
    test: css('--vscode-charts-purple', '#652d90'),
    unassigned: css('--vscode-disabledForeground', '#888'),
  };
  const splitKeys = Object.keys(splitColors) as (keyof RenderedCharts['splits'])[];
  for (const k of splitKeys) rendered.splits[k] = s.labels.map((l) => l.splits[k]);
  chart(root, 'Split × label (items)', {
    type: 'bar',
    data: { labels: names, datasets: splitKeys.map((k) => ({ label: k, data: rendered.splits[k], backgroundColor: splitColors[k] })) },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  });

  const dists: [string, Histogram | undefined][] = [
    ['Boxes per image', s.boxes?.perImage],
    ['Box width (fraction of image)', s.boxes?.width],
    ['Box height (fraction of image)', s.boxes?.height],
    ['Box area (fraction of image)', s.boxes?.area],
    ['Text length (characters)', s.textLength],
    ['Video segment duration (s)', s.videoSegments?.duration],
  ];
  for (const [title, h] of dists) {
    if (!h || h.count === 0) continue;
    const counts = h.buckets.map((b) => b.count);
    rendered.distributions.push({ title, counts });
    chart(root, title, { type: 'bar', data: { labels: histogramLabels(h), datasets: [{ label: 'count', data: counts, backgroundColor: accent }] } });
  }
  vscode.postMessage({ type: 'rendered', charts: rendered });
}

let last: StatsPayload | undefined;
window.addEventListener('message', (e: MessageEvent<HostToView>) => {
  if (e.data?.type === 'stats') {
    last = e.data.payload;
    render(last);
  }
});
// Theme changes swap the body's classes: redraw with the new colours.
new MutationObserver(() => {
  if (last) render(last);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
vscode.postMessage({ type: 'ready' });
