/**
 * Generates the shape provers that go beside ajv's validators in validators.generated.ts. A prover
 * walks a parsed line once and does two jobs of the per-line fast path: it proves the line valid
 * against its format schema (then ajv need not run), and it measures the shortest JSON text of the
 * object, the bound of the duplicate-key proof (src/core/jsonl/shape.ts). It returns that length,
 * or -1 whenever it cannot prove the line valid; the validator then runs ajv as before. Only the
 * structural keywords (type, properties, additionalProperties, required, items) are understood:
 * a schema node with any other validation keyword is never proven.
 */
import type { JsonSchema } from '../src/core/schemas';

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'importSchemaUri', 'examples']);
const STRUCTURAL = new Set(['type', 'properties', 'additionalProperties', 'required', 'items']);
const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];

/**
 * Source of `export function NAME(v, d, s)` for each schema, plus the helpers they call. With `s`
 * (shape only) nothing is measured: the result is 0 or more exactly when the line is valid (also
 * for numbers whose length has no cheap bound) but is not a length. For lines that cannot hold
 * duplicate keys (built from a learned layout, src/core/jsonl/layout.ts).
 */
export function proversSource(schemas: Record<string, JsonSchema>): string {
  const functions: string[] = [];
  let next = 0;

  /** An expression for the shortest length of `x` (depth `d`) if valid against `node`, else -1. */
  const expr = (node: unknown, x: string, d: string): string => {
    if (node === true || node === undefined) return `(s ? 0 : shortestLength(${x}, ${d}))`;
    const schema = node as JsonSchema;
    if (isPlainString(schema)) return `(typeof ${x} === "string" ? ${x}.length + 2 : -1)`;
    return `${fn(schema)}(${x}, ${d}, s)`;
  };

  const fn = (node: unknown, name = `proveNode${next++}`): string => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return 'proveNever';
    const schema = node as JsonSchema;
    if (Object.keys(schema).some((k) => !ANNOTATIONS.has(k) && !STRUCTURAL.has(k))) return 'proveNever';
    const types = schema.type === undefined ? TYPES : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.some((t) => typeof t !== 'string' || !TYPES.includes(t))) return 'proveNever';
    const has = (t: string) => types.includes(t);
    const body: string[] = [];
    body.push(`if (typeof v === "string") return ${has('string') ? 'v.length + 2' : '-1'};`);
    // ajv's number and integer types reject Infinity (a JSON text like 1e999).
    // With `s` (shape only) numbers are not measured: String(n) is the costly part of a prover.
    if (has('number')) body.push('if (typeof v === "number") return Number.isFinite(v) ? (s ? 0 : shortestNumberLength(v)) : -1;');
    else if (has('integer')) body.push('if (typeof v === "number") return Number.isInteger(v) ? (s ? 0 : shortestNumberLength(v)) : -1;');
    else body.push('if (typeof v === "number") return -1;');
    body.push(`if (typeof v === "boolean") return ${has('boolean') ? '(v ? 4 : 5)' : '-1'};`);
    body.push(`if (v === null) return ${has('null') ? '4' : '-1'};`);
    body.push('if (typeof v !== "object" || d > 32) return -1;');
    if (has('array')) {
      if (Array.isArray(schema.items)) return 'proveNever';
      body.push(
        'if (Array.isArray(v)) {',
        '  if (v.length === 0) return 2;',
        '  let t = 1;',
        `  for (let i = 0; i < v.length; i++) { const n = ${expr(schema.items, 'v[i]', 'd + 1')}; if (n < 0) return -1; t += n + 1; }`,
        '  return t;',
        '}',
      );
    } else body.push('if (Array.isArray(v)) return -1;');
    if (!has('object')) body.push('return -1;');
    else {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      if (typeof properties !== 'object' || Array.isArray(properties)) return 'proveNever';
      const required = schema.required ?? [];
      if (!Array.isArray(required) || required.some((r) => typeof r !== 'string')) return 'proveNever';
      const additional = schema.additionalProperties;
      const branches = Object.entries(properties).map(([k, sub], i) => `${i ? 'else ' : ''}if (k === ${JSON.stringify(k)}) n = ${expr(sub, 'x', 'd + 1')};`);
      const other = additional === false ? 'return -1;' : `n = ${expr(additional, 'x', 'd + 1')};`;
      body.push(
        'let t = 1;',
        'let m = 0;',
        'for (const k in v) {',
        '  const x = v[k];',
        '  let n;',
        ...branches.map((b) => `  ${b}`),
        branches.length ? `  else ${other}` : `  ${other}`,
        '  if (n < 0) return -1;',
        '  t += k.length + n + 4;',
        '  m++;',
        '}',
        // As ajv's generated code tests it.
        ...required.map((r) => `if (v[${JSON.stringify(r)}] === undefined) return -1;`),
        'return m === 0 ? 2 : t;',
      );
    }
    functions.push(`function ${name}(v, d, s) {\n  ${body.join('\n  ')}\n}`);
    return name;
  };

  const exported: string[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    const root = fn(schema);
    exported.push(`export const ${name} = ${root};`);
  }
  return [
    "import { shortestLength, shortestNumberLength } from './jsonl/shape';",
    'function proveNever() {\n  return -1;\n}',
    ...functions,
    ...exported,
  ].join('\n');
}

/** `{"type": "string"}` with annotations at most. */
function isPlainString(schema: JsonSchema): boolean {
  return schema.type === 'string' && Object.keys(schema).every((k) => k === 'type' || ANNOTATIONS.has(k));
}
