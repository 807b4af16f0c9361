/**
 * Completion in import files: the keys the format allows where the cursor is, `ml_use` values
 * allowed for the format, labels already used in the file (most used first), and snippets for
 * time offsets and box coordinates. Facts come from the core (schemas, formats registry).
 */
import * as vscode from 'vscode';
import { FORMATS, ML_USE_KEY, isJsonlFormatId } from '../core/formats';
import { csvCellRole, csvLabelsInRow, tabularColumnAt, type TabularRoles } from '../core/csv/cells';
import { csvCellsAt, csvRecordStart } from './csvCells';
import { cursorContext } from '../core/jsonl/cursor';
import { keyCompletions, labelsOnItem } from '../core/jsonl/complete';
import { FORMAT_SCHEMAS } from '../core/schemas';
import { fileKindOf, type DocumentReport, type ValidationService } from './diagnostics';

const TIME_KEY = /^(startTime|endTime|timeOffset)$/;

/** CSV import rows: `ml_use` values in the split column, labels already used in the label column. */
function csvCompletions(report: DocumentReport, labels: [string, number][], doc: vscode.TextDocument, pos: vscode.Position, tabular?: TabularRoles): vscode.CompletionItem[] {
  const at = csvCellsAt(doc, pos, (c, offset) => offset >= c.start && offset <= c.end);
  if (!at || !report.format) return [];
  let role = csvCellRole(report.format, at.cells, at.cell.index);
  if (report.format === 'tabular' && tabular?.splitColumn) {
    // A data row's cell in the split column (named by the header, the record on the first line).
    const onHeader = csvRecordStart(doc, pos.line) === 0;
    const header = onHeader ? undefined : csvCellsAt(doc, new vscode.Position(0, doc.lineAt(0).text.length), () => true)?.cells;
    if (header) role = tabularColumnAt(header, at.cell.index, false, tabular).role;
  }
  const range = at.range(at.cell);
  const inRow = role === 'label' ? csvLabelsInRow(report.format, at.cells, at.cell.index) : new Set<string>();
  const values: [string, string, vscode.CompletionItemKind][] =
    role === 'mlUse'
      ? FORMATS[report.format].mlUseValues.map((v) => [v, 'split', vscode.CompletionItemKind.EnumMember])
      : role === 'label'
        ? labels
            .filter(([l]) => !inRow.has(l))
            .map(([l, n]) => [l, `${n} ${n === 1 ? 'use' : 'uses'}`, vscode.CompletionItemKind.Value])
        : [];
  return values.map(([label, description, kind], i) => {
    const item = new vscode.CompletionItem({ label, description }, kind);
    item.range = range;
    item.sortText = String(i).padStart(6, '0');
    return item;
  });
}

export class ImportCompletionProvider implements vscode.CompletionItemProvider {
  constructor(
    private readonly service: ValidationService,
    /** The tabular settings of a file (its split column takes ml_use values). */
    private readonly tabular?: (uri: vscode.Uri) => TabularRoles,
  ) {}

  provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] | undefined {
    const report = this.service.report(doc.uri);
    if (!report?.format) return undefined;
    if (fileKindOf(doc) === 'csv') return csvCompletions(report, this.service.labelCounts(doc.uri), doc, pos, this.tabular?.(doc.uri));
    if (!isJsonlFormatId(report.format)) return undefined;
    const format = report.format;
    const schema = FORMAT_SCHEMAS[format];
    const text = doc.lineAt(pos.line).text;
    const ctx = cursorContext(text, pos.character);
    const node = ctx.node && (ctx.node.type === 'string' || ctx.node.type === 'property') ? ctx.node : undefined;
    const range = node ? new vscode.Range(pos.line, node.offset, pos.line, node.offset + node.length) : new vscode.Range(pos, pos);
    const items: vscode.CompletionItem[] = [];

    if (ctx.atKey) {
      for (const k of keyCompletions(schema, text, pos.character, ctx)) {
        const item = new vscode.CompletionItem(
          k.kind === 'box' ? { label: k.label, description: 'normalized box' } : { label: k.label, description: 'field' },
          k.kind === 'box' ? vscode.CompletionItemKind.Snippet : vscode.CompletionItemKind.Property,
        );
        if (k.documentation) item.documentation = k.kind === 'box' ? k.documentation : new vscode.MarkdownString(k.documentation);
        item.insertText = new vscode.SnippetString(k.snippet);
        item.range = new vscode.Range(pos.line, k.start, pos.line, k.end);
        item.filterText = k.filterText;
        items.push(item);
      }
      return items;
    }

    const key = ctx.path[ctx.path.length - 1];
    if (key === ML_USE_KEY) {
      FORMATS[format].mlUseValues.forEach((v, i) => {
        const item = new vscode.CompletionItem({ label: v, description: 'split' }, vscode.CompletionItemKind.EnumMember);
        item.insertText = JSON.stringify(v);
        item.filterText = JSON.stringify(v);
        item.range = range;
        item.sortText = String(i);
        items.push(item);
      });
    } else if (key === 'displayName') {
      const onItem = labelsOnItem(text, ctx.path);
      this.service.labelCounts(doc.uri).filter(([label]) => !onItem.has(label)).forEach(([label, count], i) => {
        const item = new vscode.CompletionItem({ label, description: `${count} ${count === 1 ? 'use' : 'uses'}` }, vscode.CompletionItemKind.Value);
        item.insertText = JSON.stringify(label);
        item.filterText = JSON.stringify(label);
        item.range = range;
        item.sortText = String(i).padStart(6, '0');
        items.push(item);
      });
    } else if (typeof key === 'string' && TIME_KEY.test(key)) {
      const item = new vscode.CompletionItem({ label: '"1.5s"', description: 'time offset' }, vscode.CompletionItemKind.Snippet);
      item.insertText = new vscode.SnippetString('"${1:0.0}s"');
      item.documentation = 'Seconds from the start of the video, with an "s" suffix (fractions allowed).';
      item.range = range;
      item.filterText = '"';
      items.push(item);
      if (key === 'endTime') {
        const inf = new vscode.CompletionItem({ label: '"Infinity"', description: 'until the end of the video' }, vscode.CompletionItemKind.Value);
        inf.insertText = '"Infinity"';
        inf.range = range;
        inf.filterText = '"Infinity"';
        items.push(inf);
      }
    }
    return items;
  }
}

export function registerCompletion(service: ValidationService, selector: vscode.DocumentSelector, tabular?: (uri: vscode.Uri) => TabularRoles): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(selector, new ImportCompletionProvider(service, tabular), '"', ':', ',');
}
