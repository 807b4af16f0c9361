/**
 * Messages between the evaluation webview (media/evaluation.js) and the extension host. The page
 * posts `ready` first; the host posts nothing before that.
 */
import type { EvaluationViewModel } from '../../core/training/evaluation';

export type PageToHost = { type: 'ready' } | { type: 'export' } | { type: 'rendered'; tables: number };

export type HostToPage =
  | { type: 'evaluation'; model: { name: string; displayName: string; exportFormats: string[] }; evaluations: EvaluationViewModel[] }
  | { type: 'error'; message: string };
