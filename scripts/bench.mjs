// Runs every benchmark in bench/ (or those named on the command line) in one process each.
// Each benchmark measures its own baseline in the same run and prints ratios against it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const names = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
  .sort();
let failed = false;
for (const f of files) {
  process.stdout.write(`\n### bench/${f}\n`);
  const r = spawnSync('node', ['--expose-gc', `bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
