/**
 * Messages between the statistics webview and the extension host. Shared by both sides so a
 * change to one is a type error on the other. The page posts `ready` first; the host posts
 * nothing before it.
 */
import type { DatasetStats } from '../core/dataset/stats';

export interface StatsPayload {
  file: string;
  formatTitle: string;
  items: number;
  errors: number;
  warnings: number;
  /** Undefined while dataset checks are off or not computed yet. */
  stats?: DatasetStats;
}

export type HostToView = { type: 'stats'; payload: StatsPayload };

/** What the page drew, so tests can compare the chart's data with the core's numbers. */
export interface RenderedCharts {
  labels: { names: string[]; items: number[] };
  splits: { training: number[]; validation: number[]; test: number[]; unassigned: number[] };
  distributions: { title: string; counts: number[] }[];
  /** The page's heading and summary lines as shown. */
  text: string[];
  /** The theme the page drew with: the body's theme class and the text colour the charts use. */
  theme: { kind: string; foreground: string };
}

export type ViewToHost = { type: 'ready' } | { type: 'revealLabel'; label: string } | { type: 'rendered'; charts: RenderedCharts };
