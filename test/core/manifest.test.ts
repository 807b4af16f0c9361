import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('every grammar file exists, is valid, and its patterns compile and match what they are for', () => {
    const grammars = manifest.contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[];
    assert.ok(grammars.length >= 1);
    for (const g of grammars) {
      const grammar = JSON.parse(readFileSync(join(ROOT, g.path), 'utf8'));
      assert.equal(grammar.scopeName, g.scopeName);
      assert.deepEqual(g.injectTo, ['source.json.lines']);
      const [reserved, uri] = grammar.patterns.map((p: { match: string }) => new RegExp(p.match));
      assert.ok(reserved.test('"aiplatform.googleapis.com/ml_use"'));
      assert.ok(!reserved.test('"aiplatform.googleapis.com/other"'));
      assert.equal(uri.exec('{"imageGcsUri": "gs://bkt/a b.jpg"}')?.[0], 'gs://bkt/a');
      assert.equal(uri.exec('"gs://bkt/dir/a.jpg"')?.[0], 'gs://bkt/dir/a.jpg');
    }
  });

  it('icons and walkthrough media the manifest names are in the repository', () => {
    const paths: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string' && /^(\.\/)?(media|syntaxes|examples)\//.test(v)) paths.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(manifest.contributes);
    assert.ok(paths.length > 0);
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), `${p} is missing`);
  });

  it('every command has the vertexDatasets prefix and the Vertex Datasets category; Restricted Mode support is declared limited', () => {
    for (const c of manifest.contributes.commands as { command: string; category?: string; enablement?: string }[]) {
      assert.ok(c.command.startsWith('vertexDatasets.'), c.command);
      assert.equal(c.category, 'Vertex Datasets', c.command);
    }
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
