/**
 * Quick fixes for the core's findings, matched on the diagnostic code and built from the fixes the
 * core attaches (JSONL: `data.fixes`; CSV: `data.replacement`, the cell's new value), plus pixel
 * boxes → relative boxes when a media sidecar gives the image size. Each is offered for the one
 * problem and, when the file has more of the same code, as "fix all in file". Every fix is a
 * WorkspaceEdit, so it is undoable.
 */
import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic } from '../core/diagnostics';
import { applyJsonFixes, fixesOf } from '../core/jsonl/fixes';
import { isPixelBoxFinding, pixelBoxFix } from '../core/jsonl/pixelBoxes';
import { csvPixelBoxFix } from '../core/csv/pixelBoxes';
import type { JsonFix } from '../core/jsonl/rules';
import type { MediaTable } from '../core/dataset/media';
import type { MediaSidecars } from './mediaSidecars';
import { truncate } from '../core/rules/values';
import { SOURCE, fileKindOf, type ValidationService } from './diagnostics';

/** Titles for codes whose fix is more than a plain rename or value change. */
const TITLES: Record<string, string> = {
  'box.minMax': 'Swap the min and max coordinates',
  'legacy.boundingBox': 'Convert to the official "boundingBoxAnnotations" shape',
  'legacy.timeSegment': 'Convert to the official "timeSegmentAnnotations" shape',
  'legacy.textSegment': 'Move "startOffset"/"endOffset" onto the annotation',
  'mlUse.unassigned': 'Remove the UNASSIGNED split (let Vertex AI assign it)',
  'label.empty': 'Remove the empty label',
  'segmentation.color': 'Divide the colour channels by 255 (0..255 to fractions)',
};

function describeFix(code: string, fixes: JsonFix[]): string {
  if (TITLES[code]) return TITLES[code];
  if (fixes.length === 1) {
    const [f] = fixes;
    const last = f.path[f.path.length - 1];
    if (f.remove) return `Remove ${typeof last === 'number' ? `item ${last + 1}` : `"${last}"`}`;
    if (f.key !== undefined && f.value === undefined) return `Rename to "${truncate(f.key, 60)}"`;
    if (f.value !== undefined) return `Change to ${truncate(JSON.stringify(f.value), 60)}`;
  }
  return `Apply the suggested fix (${code})`;
}

const codeOf = (d: vscode.Diagnostic): string | undefined =>
  d.code === undefined ? undefined : String(typeof d.code === 'object' ? d.code.value : d.code);

/** The fixes of one finding: the core's, or for a pixel box the division by the image size (needs the line's text). */
type FixesFor = (d: CoreDiagnostic, lineText: string) => JsonFix[];
const coreFixes: FixesFor = (d) => fixesOf(d.data);

/** Core fixes, and pixel boxes normalised with the image sizes of `media`. */
export function fixesWithMedia(media: MediaTable | undefined): FixesFor {
  return (d, lineText) => {
    const own = fixesOf(d.data);
    if (own.length || !media || !isPixelBoxFinding(d)) return own;
    return pixelBoxFix(lineText, d.column, media)?.fixes ?? [];
  };
}

/** Builds one edit replacing each touched line with its fixed text; lines whose fix no longer applies are skipped. */
export function fixEdit(doc: vscode.TextDocument, findings: readonly CoreDiagnostic[], fixesFor: FixesFor = coreFixes): { edit: vscode.WorkspaceEdit; lines: number } {
  const byLine = new Map<number, JsonFix[]>();
  for (const d of findings) {
    if (d.line > doc.lineCount) continue;
    const fixes = fixesFor(d, doc.lineAt(d.line - 1).text);
    // The findings of one pixel box carry the same fix: apply it once.
    const have = byLine.get(d.line) ?? [];
    const seen = new Set(have.map((f) => JSON.stringify(f)));
    for (const f of fixes) if (!seen.has(JSON.stringify(f))) (seen.add(JSON.stringify(f)), have.push(f));
    if (have.length) byLine.set(d.line, have);
  }
  const edit = new vscode.WorkspaceEdit();
  let lines = 0;
  for (const [line, fixes] of byLine) {
    if (line > doc.lineCount) continue;
    const current = doc.lineAt(line - 1);
    const fixed = applyJsonFixes(current.text, fixes);
    if (fixed === undefined || fixed === current.text) continue;
    edit.replace(doc.uri, current.range, fixed);
    lines++;
  }
  return { edit, lines };
}

/** The replacement a CSV finding carries for its cell (ml_use spelling, gs:// path, label or column name). */
export function csvReplacementOf(d: CoreDiagnostic): string | undefined {
  const r = (d.data as { replacement?: unknown } | undefined)?.replacement;
  return typeof r === 'string' ? r : undefined;
}

/** A cell's new text: quoted when the old cell was, or when the value needs it; every other byte of the row stays. */
export function csvCellText(oldCell: string, value: string): string {
  return oldCell.startsWith('"') || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const coreRange = (d: CoreDiagnostic) => new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, d.endColumn - 1);

/**
 * The edit of one finding's cell, when it has a replacement that changes it; for a repeated label,
 * the deletion of its cell with the comma before it (labels follow the media cell, so there is
 * one), every other byte of the row kept.
 */
function csvCellFix(doc: vscode.TextDocument, d: CoreDiagnostic): { range: vscode.Range; text: string } | undefined {
  if (d.code === 'label.empty' && (d.data as { removeTrailing?: unknown } | undefined)?.removeTrailing === true) {
    // Empty label columns ending a row: the range holds exactly their commas and (quoted) empty cells.
    if (d.endLine !== d.line || d.line > doc.lineCount) return undefined;
    const range = coreRange(d);
    return /^(,(""|))+$/.test(doc.getText(range)) ? { range, text: '' } : undefined;
  }
  if (d.code === 'label.empty') {
    // Only an empty cell between labels (`removeCell`); a label missing where one is required has no fix.
    if ((d.data as { removeCell?: unknown } | undefined)?.removeCell !== true) return undefined;
    if (d.endLine !== d.line || d.line > doc.lineCount || d.column < 2) return undefined;
    const comma = new vscode.Range(d.line - 1, d.column - 2, d.line - 1, d.column - 1);
    if (doc.getText(comma) !== ',') return undefined;
    // A quoted empty cell is `""`; an unquoted one has no text (its range marks the comma after it).
    const cell = doc.getText(coreRange(d));
    if (cell === '""') return { range: new vscode.Range(comma.start, coreRange(d).end), text: '' };
    return cell === ',' ? { range: comma, text: '' } : undefined;
  }
  if (d.code === 'label.duplicate') {
    if (d.endLine !== d.line || d.line > doc.lineCount || d.column < 2) return undefined;
    const comma = new vscode.Range(d.line - 1, d.column - 2, d.line - 1, d.column - 1);
    return doc.getText(comma) === ',' ? { range: new vscode.Range(comma.start, coreRange(d).end), text: '' } : undefined;
  }
  const value = csvReplacementOf(d);
  if (value === undefined || d.endLine > doc.lineCount) return undefined;
  const range = coreRange(d);
  const old = doc.getText(range);
  // "café" → "cafe" changes the label, and whether Vertex accepts letters beyond ASCII is not
  // settled: the message names the ASCII spelling but no one-click fix applies it.
  if (d.code === 'label.csvName' && /[^\x00-\x7f]/.test(old)) return undefined;
  const text = csvCellText(old, value);
  return text === old ? undefined : { range, text };
}

/**
 * The edits of one CSV finding: the cells its fix rewrites together (`data.cellEdits`: swapped
 * min and max exchange their cells; a pixel box with the image size from `media`: each coordinate
 * divided by it), or its one cell fix.
 */
function csvFindingFix(doc: vscode.TextDocument, d: CoreDiagnostic, media?: MediaTable): { range: vscode.Range; text: string }[] | undefined {
  const pixels = media && isPixelBoxFinding(d) ? csvPixelBoxFix(d.data, media) : undefined;
  const cellEdits = pixels ? pixels.edits : (d.data as { cellEdits?: unknown } | undefined)?.cellEdits;
  if (!Array.isArray(cellEdits)) {
    const one = csvCellFix(doc, d);
    return one && [one];
  }
  const edits: { range: vscode.Range; text: string }[] = [];
  for (const e of cellEdits as (CoreDiagnostic & { value?: unknown })[]) {
    if (typeof e.value !== 'string' || e.endLine > doc.lineCount) return undefined;
    const range = coreRange(e);
    const old = doc.getText(range);
    edits.push({ range, text: csvCellText(old, e.value) });
  }
  return edits.length && edits.some((e) => e.text !== doc.getText(e.range)) ? edits : undefined;
}

/** One edit replacing the cell of each finding with its replacement. */
export function csvFixEdit(doc: vscode.TextDocument, findings: readonly CoreDiagnostic[], media?: MediaTable): { edit: vscode.WorkspaceEdit; cells: number } {
  const edit = new vscode.WorkspaceEdit();
  const done = new Set<string>();
  let cells = 0;
  for (const d of findings) {
    const fix = csvFindingFix(doc, d, media);
    if (!fix) continue;
    const keys = fix.map((f) => `${f.range.start.line}:${f.range.start.character}`);
    if (keys.some((k) => done.has(k))) continue;
    for (const k of keys) done.add(k);
    for (const f of fix) edit.replace(doc.uri, f.range, f.text);
    cells++;
  }
  return { edit, cells };
}

export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.SourceFixAll.append('vertexDatasets')];

  constructor(
    private readonly service: ValidationService,
    private readonly media?: MediaSidecars,
  ) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const report = this.service.report(doc.uri);
    if (!report || report.version !== doc.version) return [];
    const media = report.diagnostics.some(isPixelBoxFinding) && this.media ? await this.media.forFile(doc.uri) : undefined;
    if (report !== this.service.report(doc.uri) || report.version !== doc.version) return [];
    if (fileKindOf(doc) === 'csv') return this.csvActions(doc, report.diagnostics, context, media);
    const fixesFor = fixesWithMedia(media);
    const fixable = report.diagnostics.filter((d) => fixesOf(d.data).length > 0 || (media !== undefined && isPixelBoxFinding(d)));
    const fix = (findings: readonly CoreDiagnostic[]): { edit: vscode.WorkspaceEdit; count: number } => {
      const { edit, lines } = fixEdit(doc, findings, fixesFor);
      return { edit, count: lines };
    };
    const title = (core: CoreDiagnostic): string => {
      const pixel = fixesOf(core.data).length === 0 && media ? pixelBoxFix(doc.lineAt(core.line - 1).text, core.column, media) : undefined;
      return pixel ? `Convert the pixel box to relative coordinates (image ${pixel.width}×${pixel.height} px per the media sidecar)` : describeFix(core.code, fixesOf(core.data));
    };
    return this.actions(fixable, context, fix, title);
  }

  private csvActions(doc: vscode.TextDocument, diagnostics: readonly CoreDiagnostic[], context: vscode.CodeActionContext, media: MediaTable | undefined): vscode.CodeAction[] {
    const fixable = diagnostics.filter((d) => csvFindingFix(doc, d, media) !== undefined);
    const fix = (findings: readonly CoreDiagnostic[]): { edit: vscode.WorkspaceEdit; count: number } => {
      const { edit, cells } = csvFixEdit(doc, findings, media);
      return { edit, count: cells };
    };
    const title = (core: CoreDiagnostic): string => {
      const pixel = media && isPixelBoxFinding(core) ? csvPixelBoxFix(core.data, media) : undefined;
      if (pixel) return `Convert the pixel box to relative coordinates (image ${pixel.width}×${pixel.height} px per the media sidecar)`;
      const text = csvCellFix(doc, core)?.text ?? '';
      if (core.code === 'label.empty' && (core.data as { removeTrailing?: unknown } | undefined)?.removeTrailing === true) {
        const fix = csvCellFix(doc, core);
        const one = fix !== undefined && doc.getText(fix.range).split(',').length === 2;
        return one ? 'Remove the empty label column at the end of the row (the trailing comma)' : 'Remove the empty label columns at the end of the row (the trailing commas)';
      }
      if (core.code === 'label.empty') return 'Remove the empty label column (the extra comma)';
      if (core.code === 'box.minMax' || core.code === 'mlUse.unassigned') return TITLES[core.code];
      return core.code === 'label.duplicate' ? 'Remove the repeated label' : `Change to ${truncate(text, 60)}`;
    };
    return this.actions(fixable, context, fix, title);
  }

  /**
   * The actions for a file's fixable findings: "Fix all" alone when source fixes are asked for;
   * otherwise, for each of our diagnostics in the context, its quick fix (`title`) and, once per
   * code with several findings, one fix for all of them. `fix` makes the edit of some findings.
   */
  private actions(
    fixable: readonly CoreDiagnostic[],
    context: vscode.CodeActionContext,
    fix: (findings: readonly CoreDiagnostic[]) => { edit: vscode.WorkspaceEdit; count: number },
    title: (core: CoreDiagnostic) => string,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (context.only?.contains(vscode.CodeActionKind.SourceFixAll) || context.only?.intersects(FixProvider.kinds[1])) {
      const { edit, count } = fix(fixable);
      if (count > 0) {
        const all = new vscode.CodeAction('Fix all Vertex import problems that have a fix', FixProvider.kinds[1]);
        all.edit = edit;
        actions.push(all);
      }
      return actions;
    }
    const offeredAll = new Set<string>();
    for (const vd of context.diagnostics) {
      if (vd.source !== SOURCE) continue;
      const code = codeOf(vd);
      const core = fixable.find((d) => d.code === code && d.line - 1 === vd.range.start.line && d.column - 1 === vd.range.start.character);
      if (!core || !code) continue;
      const one = fix([core]);
      if (one.count === 0) continue;
      const action = new vscode.CodeAction(title(core), vscode.CodeActionKind.QuickFix);
      action.edit = one.edit;
      action.diagnostics = [vd];
      action.isPreferred = true;
      actions.push(action);
      const same = fixable.filter((d) => d.code === code);
      if (same.length > 1 && !offeredAll.has(code)) {
        offeredAll.add(code);
        const fixAll = new vscode.CodeAction(`Fix all ${same.length} "${code}" problems in this file`, vscode.CodeActionKind.QuickFix);
        fixAll.edit = fix(same).edit;
        fixAll.diagnostics = context.diagnostics.filter((x) => x.source === SOURCE && codeOf(x) === code);
        actions.push(fixAll);
      }
    }
    return actions;
  }
}

export function registerCodeActions(service: ValidationService, selector: vscode.DocumentSelector, media?: MediaSidecars): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(selector, new FixProvider(service, media), { providedCodeActionKinds: FixProvider.kinds });
}
