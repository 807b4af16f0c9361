/**
 * Hover on keys and values of an import file: the field's description from the format's JSON
 * Schema, the rule behind a finding at that spot with its docs link, the official Vertex AI page
 * for the format, and the bucket and object of a gs:// URI.
 */
import * as vscode from 'vscode';
import { rangeHolds } from '../core/diagnostics';
import { codeDocUrl } from '../core/docs';
import { FORMATS, isJsonlFormatId } from '../core/formats';
import { csvColumnAt, tabularColumnAt, type TabularRoles } from '../core/csv/cells';
import { csvCellsAt, csvRecordStart } from './csvCells';
import { cursorContext } from '../core/jsonl/cursor';
import { parseGcsUri } from '../core/rules/values';
import { FORMAT_SCHEMAS, schemaNodeAt } from '../core/schemas';
import { fileKindOf, type DocumentReport, type ValidationService } from './diagnostics';

export class ImportHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly service: ValidationService,
    /** The tabular settings of a file (which columns are the target, weight, split...). */
    private readonly tabular?: (uri: vscode.Uri) => TabularRoles,
  ) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const report = this.service.report(doc.uri);
    if (!report?.format) return undefined;
    if (fileKindOf(doc) === 'csv') return this.csvHover(report, doc, pos);
    const line = doc.lineAt(pos.line).text;
    const ctx = cursorContext(line, pos.character);
    if (!ctx.node || ctx.path.length === 0) return undefined;
    const range = new vscode.Range(pos.line, ctx.node.offset, pos.line, ctx.node.offset + ctx.node.length);
    const md = new vscode.MarkdownString();
    md.supportThemeIcons = true;
    const name = ctx.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');

    if (isJsonlFormatId(report.format)) {
      const info = schemaNodeAt(FORMAT_SCHEMAS[report.format], ctx.path);
      const description = typeof info?.node.description === 'string' ? info.node.description : undefined;
      if (description) {
        md.appendMarkdown(`**${codeSpan(name)}**\n\n${description}\n\n`);
        if (info?.unverified) md.appendMarkdown(`_Not confirmed by the official format page: ${info.comments.join(' ')}_\n\n`);
      } else if (ctx.atKey) {
        md.appendMarkdown(`**${codeSpan(name)}** is not a field of ${FORMATS[report.format].title}.\n\n`);
      }
    }
    if (!ctx.atKey && typeof ctx.node.value === 'string') {
      const gcs = parseGcsUri(ctx.node.value);
      if (gcs) appendGcs(md, gcs);
    }
    appendRulesAndPage(md, report, pos);
    return new vscode.Hover(md, range);
  }

  private csvHover(report: DocumentReport, doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const at = csvCellsAt(doc, pos, (c, offset) => offset >= c.start && offset < Math.max(c.end, c.start + 1));
    if (!at || !report.format) return undefined;
    const { cells, cell } = at;
    const md = new vscode.MarkdownString();
    let column = csvColumnAt(report.format, cells, cell.index);
    if (report.format === 'tabular' && this.tabular) {
      // Tabular columns are named by the header, the record on the first line.
      const onHeader = csvRecordStart(doc, pos.line) === 0;
      const header = onHeader ? cells : csvCellsAt(doc, new vscode.Position(0, doc.lineAt(0).text.length), () => true)?.cells;
      if (header) column = tabularColumnAt(header, cell.index, onHeader, this.tabular(doc.uri));
    }
    if (column.description) {
      const named = column.header !== undefined ? ` (${codeSpan(column.header)})` : '';
      md.appendMarkdown(`**Column ${cell.index + 1}**${named}: ${column.description}${column.name ? ` Layout column ${codeSpan(column.name)}.` : ''}\n\n`);
    }
    const gcs = parseGcsUri(cell.value.trim());
    if (gcs) appendGcs(md, gcs);
    appendRulesAndPage(md, report, pos);
    return new vscode.Hover(md, at.range(cell));
  }
}

function appendRulesAndPage(md: vscode.MarkdownString, report: DocumentReport, pos: vscode.Position): void {
  const here = report.diagnostics.filter((d) => rangeHolds(d, pos.line + 1, pos.character + 1));
  for (const d of here) {
    // The message quotes the file's own text (labels, values), shown as it is, not as markdown.
    md.appendMarkdown(`Rule [\`${d.code}\`](${codeDocUrl(d.code)}): `);
    md.appendText(d.message);
    md.appendMarkdown('\n\n');
  }
  if (report.format) {
    const f = FORMATS[report.format];
    md.appendMarkdown(`[${f.title}: official format page](${f.docUrl})`);
  }
}

/** The bucket and object of a gs:// URI, each as code. */
function appendGcs(md: vscode.MarkdownString, gcs: { bucket: string; object: string }): void {
  md.appendMarkdown(`Cloud Storage bucket: ${codeSpan(gcs.bucket)}  \nObject: ${codeSpan(gcs.object || '(none)')}\n\n`);
}

/**
 * `text` as a markdown code span that shows it exactly: fenced by one more backtick than its
 * longest run of backticks (a key or object name may hold some), padded when it starts or ends
 * with one; line breaks shown as spaces.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = (flat.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function registerHover(service: ValidationService, selector: vscode.DocumentSelector, tabular?: (uri: vscode.Uri) => TabularRoles): vscode.Disposable {
  return vscode.languages.registerHoverProvider(selector, new ImportHoverProvider(service, tabular));
}
