import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATS, JSONL_FORMAT_IDS } from '../../src/core/formats';
import { COMMON_SCHEMA, createAjv, FORMAT_SCHEMAS, formatValidator, schemaNodeAt, type JsonSchema } from '../../src/core/schemas';
import { GENERATED_PATH, validatorsSource } from '../../scripts/gen-validators';

const SCHEMA_DIR = join(__dirname, '..', '..', 'schemas');

/** Every property reachable from a schema (following $ref), with its path. */
function properties(schema: JsonSchema): { path: string; node: JsonSchema }[] {
  const out: { path: string; node: JsonSchema }[] = [];
  const walk = (path: (string | number)[], depth: number) => {
    if (depth > 8) return;
    const info = schemaNodeAt(schema, path);
    if (!info) return;
    const props = info.node.properties as Record<string, JsonSchema> | undefined;
    for (const key of Object.keys(props ?? {})) {
      const child = schemaNodeAt(schema, [...path, key]);
      assert.ok(child, `cannot resolve ${[...path, key].join('.')}`);
      out.push({ path: [...path, key].join('.'), node: child.node });
      walk([...path, key], depth + 1);
    }
    if (info.node.items) walk([...path, 0], depth + 1);
  };
  walk([], 0);
  return out;
}

describe('schemas/', () => {
  it('the precompiled validators are generated from the current schemas', () => {
    assert.equal(readFileSync(GENERATED_PATH, 'utf8'), validatorsSource(), 'src/core/validators.generated.ts is stale: run `npm run build`');
  });

  it('the precompiled validators give the same errors as a strict-mode compile of the schema files', () => {
    const ajv = createAjv(true);
    ajv.addSchema(COMMON_SCHEMA);
    const samples: unknown[] = [{}, [], 'x', { imageGcsUri: 3, extra: true }, { textContent: 'a', classificationAnnotations: [{ displayName: 1 }, {}] }];
    for (const id of JSONL_FORMAT_IDS) {
      const fromFiles = ajv.compile(FORMAT_SCHEMAS[id]);
      const pre = formatValidator(id);
      for (const s of samples) {
        const strip = (errors: typeof pre.errors) => (errors ?? []).map(({ keyword, instancePath, params, message }) => ({ keyword, instancePath, params, message }));
        assert.equal(pre(s), fromFiles(s), `${id}: ${JSON.stringify(s)}`);
        assert.deepEqual(strip(pre.errors), strip(fromFiles.errors), `${id}: ${JSON.stringify(s)}`);
      }
    }
  });

  it('has one schema file per JSONL format, plus the shared definitions', () => {
    const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
    const expected = [...JSONL_FORMAT_IDS.map((id) => FORMATS[id].schemaFile as string), 'common.schema.json'].sort();
    assert.deepEqual(files, expected);
  });

  it('every schema compiles with ajv in strict mode', () => {
    const ajv = createAjv(true);
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, 'common.schema.json'), 'utf8')));
    for (const id of JSONL_FORMAT_IDS) {
      const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, FORMATS[id].schemaFile as string), 'utf8'));
      assert.doesNotThrow(() => ajv.compile(schema), id);
    }
  });

  it('strict mode catches a broken schema (so validation can never be silently switched off)', () => {
    const ajv = createAjv(true);
    assert.throws(() => ajv.compile({ type: 'object', propertiez: { a: { type: 'string' } } }), /unknown keyword/);
    assert.throws(() => ajv.compile({ type: 'object', properties: { a: { type: 'strng' } } }));
  });

  for (const id of JSONL_FORMAT_IDS) {
    it(`${id}: carries its official importSchemaUri and a description on every field`, () => {
      const schema = FORMAT_SCHEMAS[id];
      assert.equal(schema.importSchemaUri, FORMATS[id].importSchemaUri);
      assert.match(String(schema.importSchemaUri), /^gs:\/\/google-cloud-aiplatform\/schema\/dataset\/ioformat\/[a-z_]+_io_format_1\.0\.0\.yaml$/);
      assert.equal(typeof schema.description, 'string');
      const props = properties(schema);
      assert.ok(props.length >= 3);
      for (const p of props) assert.equal(typeof p.node.description, 'string', `${id}: ${p.path} has no description`);
    });
  }

  it('marks the parts the spec leaves unverified with a $comment (their findings become warnings)', () => {
    assert.equal(schemaNodeAt(FORMAT_SCHEMAS['image-segmentation'], ['segmentationAnnotation'])?.unverified, true);
    assert.equal(schemaNodeAt(FORMAT_SCHEMAS['video-object-tracking'], ['temporalBoundingBoxAnnotations', 0, 'xMin'])?.unverified, true);
    assert.equal(schemaNodeAt(FORMAT_SCHEMAS['image-bounding-box'], ['boundingBoxAnnotations', 0, 'xMin'])?.unverified, false);
    assert.equal(schemaNodeAt(FORMAT_SCHEMAS['image-segmentation'], ['imageGcsUri'])?.unverified, false);
  });

  it('descriptions resolve through $ref for hovers', () => {
    const info = schemaNodeAt(FORMAT_SCHEMAS['image-classification-single-label'], ['dataItemResourceLabels', 'aiplatform.googleapis.com/ml_use']);
    assert.match(String(info?.node.description), /training.*validation.*test/);
    assert.ok(COMMON_SCHEMA.definitions);
  });
});
