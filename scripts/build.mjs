// Bundles the extension, the CLI, the validation worker and the in-host test suites with esbuild.
// Type-checking is separate: `npm run typecheck` (tsc --noEmit, strict).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// The format schemas are compiled to JavaScript before bundling (no ajv compile at start-up).
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-validators.ts'], { stdio: 'inherit' });

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Cloud SDKs stay external: they load their protos from their own package folders at run time,
// and they are required lazily on first cloud use, never at activation. mocha is required at run time
// by the in-host test entry, which loads the bundled suites by path.
const external = ['vscode', '@google-cloud/aiplatform', '@google-cloud/storage', 'google-gax', '@grpc/grpc-js', '@grpc/proto-loader', 'playwright-core', 'mocha'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  logLevel: 'warning',
  // jsonc-parser's UMD main hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

function listTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

// The cloud commands (and the local servers and protobuf code they bring) are bundled apart from
// the CLI and loaded when run: `validate` then starts without parsing them (about 8 ms less).
const CLOUD_COMMANDS = ['import', 'train', 'label', 'version'];
const cloudCommandsApart = {
  name: 'cloud-commands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[a-z]+$/ }, (args) => {
      const name = args.path.slice('./commands/'.length);
      if (!CLOUD_COMMANDS.includes(name) || !args.importer.endsWith(join('src', 'cli', 'main.ts'))) return undefined;
      return { path: `./cli-${name}.js`, external: true };
    });
  },
};
const builds = [
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  // ajv compiles custom schemas only (the format validators are generated code): the CLI requires it
  // from node_modules (a dependency) when a --schema is given instead of parsing it at every start.
  // import() of the cloud bundles becomes require(): the launcher runs this bundle as a vm.Script,
  // where import() would need an experimental loader (and is lost from cached code).
  { ...common, entryPoints: { 'cli-main': 'src/cli/bin.ts' }, outdir: 'dist', plugins: [cloudCommandsApart], external: [...external, 'ajv'], supported: { 'dynamic-import': false } },
  // The executable: runs cli-main.js through V8's code cache (src/cli/launch.ts).
  { ...common, entryPoints: { cli: 'src/cli/launch.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: Object.fromEntries(CLOUD_COMMANDS.map((c) => [`cli-${c}`, `src/cli/commands/${c}.ts`])), outdir: 'dist' },
];
const workerEntry = 'src/core/worker.ts';
if (existsSync(workerEntry)) builds.push({ ...common, entryPoints: { worker: workerEntry }, outdir: 'dist' });
// The editor's on-disk validation (large and closed files) runs off the extension host thread.
builds.push({ ...common, entryPoints: { validationWorker: 'src/extension/validationWorker.ts' }, outdir: 'dist' });
// The statistics webview page: a browser bundle with Chart.js, served from media/ (the only
// folder the webview may load from).
builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', external: [], entryPoints: { stats: 'src/webview/stats.ts' }, outdir: 'media/dist' });
const hostTests = listTests('test/vscode');
if (hostTests.length) {
  builds.push({ ...common, entryPoints: hostTests, outbase: 'test', outdir: 'out/test', sourcemap: true, minify: false });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
