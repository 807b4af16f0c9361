import type { AnnotationFacts, ItemFacts } from '../../../src/core/items';
import type { MlUse } from '../../../src/core/formats';
import type { DatasetDiagnostic } from '../../../src/core/dataset';

export function item(line: number, uri: string | undefined, annotations: AnnotationFacts[], mlUse?: MlUse, textLength?: number): ItemFacts {
  const facts: ItemFacts = {
    line,
    anchor: { line, column: 2, endLine: line, endColumn: 2 + (uri?.length ?? 5) },
    hasMlUse: mlUse !== undefined,
    annotations,
  };
  if (uri !== undefined) facts.mediaUri = uri;
  if (mlUse) facts.mlUse = mlUse;
  if (textLength !== undefined) facts.textLength = textLength;
  return facts;
}

export const cls = (label: string): AnnotationFacts => ({ kind: 'classification', label });
export const box = (label: string, xMin: number, yMin: number, xMax: number, yMax: number): AnnotationFacts => ({ kind: 'box', label, xMin, yMin, xMax, yMax });
export const seg = (label: string, start: number, end: number): AnnotationFacts => ({ kind: 'timeSegment', label, start, end });
export const sentiment = (value: number, max: number): AnnotationFacts => ({ kind: 'sentiment', sentiment: value, sentimentMax: max });
export const span = (label: string, startOffset: number, endOffset: number): AnnotationFacts => ({ kind: 'textSegment', label, startOffset, endOffset });
export const tracked = (label: string, time: number, instanceId?: string): AnnotationFacts => ({ kind: 'trackedBox', label, time, instanceId, xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 });

export function codes(diagnostics: readonly DatasetDiagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

export function only(diagnostics: readonly DatasetDiagnostic[], code: string): DatasetDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}
