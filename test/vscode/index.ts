// The test entry VS Code calls inside the extension host (`extensionTestsPath`): runs every
// out/test/vscode/**/*.test.js with mocha. The same entry serves both launchers:
// scripts/host/run-tests.mjs (code-server + Chromium) and scripts/host/run-electron.mjs
// (@vscode/test-electron). The browser launcher cannot see the host's exit code, so the result is
// also written as JSON to $VERTEX_DATASETS_TEST_RESULT (temp file renamed into place).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface HostTestResult {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  failures: { title: string; error: string }[];
  /** Human-readable spec-style report. */
  report: string;
  error?: string;
}

function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, suffix));
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

/**
 * Suites tagged `@restricted` in their title run only in the Restricted Mode session (the folder
 * not trusted); every other suite runs only in the trusted session.
 */
function sessionGrep(session: string, user: string | undefined): RegExp {
  const userPart = user ? `(?=.*(?:${user}))` : '';
  return new RegExp(`^${userPart}${session === 'restricted' ? '(?=.*@restricted)' : '(?!.*@restricted)'}`);
}

function writeResult(result: HostTestResult): void {
  const file = process.env.VERTEX_DATASETS_TEST_RESULT;
  if (!file) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result));
  fs.renameSync(tmp, file);
}

export async function run(): Promise<void> {
  const started = Date.now();
  const lines: string[] = [];
  const result: HostTestResult = { passed: 0, failed: 0, pending: 0, durationMs: 0, failures: [], report: '' };
  try {
    const bench = process.env.VERTEX_DATASETS_TEST_BENCH === '1';
    const mocha = new Mocha({ ui: 'bdd', timeout: bench ? 600_000 : 60_000, color: false, reporter: 'spec' });
    mocha.grep(sessionGrep(process.env.VERTEX_DATASETS_TEST_SESSION ?? 'trusted', process.env.VERTEX_DATASETS_TEST_GREP || undefined));
    for (const file of listFiles(__dirname, bench ? '.bench.js' : '.test.js')) mocha.addFile(file);
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('suite', (s) => {
        if (s.title) lines.push(`${'  '.repeat(depth(s))}${s.title}`);
      });
      runner.on('pass', (t) => {
        result.passed++;
        lines.push(`${'  '.repeat(depth(t.parent))}  ✓ ${t.title} (${t.duration ?? 0} ms)`);
      });
      runner.on('pending', (t) => {
        result.pending++;
        lines.push(`${'  '.repeat(depth(t.parent))}  - ${t.title} (pending)`);
      });
      runner.on('fail', (t, err: Error) => {
        result.failed++;
        const title = t.fullTitle();
        result.failures.push({ title, error: err.stack ?? String(err) });
        lines.push(`${'  '.repeat(depth(t.parent))}  ✗ ${t.title}`);
      });
    });
  } catch (e) {
    result.error = (e as Error).stack ?? String(e);
  }
  result.durationMs = Date.now() - started;
  if (result.failures.length) {
    lines.push('', 'Failures:');
    result.failures.forEach((f, i) => lines.push(`  ${i + 1}) ${f.title}`, ...f.error.split('\n').map((l) => `     ${l}`)));
  }
  result.report = lines.join('\n');
  writeResult(result);
  if (result.error) throw new Error(result.error);
  if (result.failed > 0) throw new Error(`${result.failed} test(s) failed`);
}

function depth(s: Mocha.Suite | undefined): number {
  let d = 0;
  for (let p = s; p && !p.root; p = p.parent) d++;
  return Math.max(0, d - 1);
}
