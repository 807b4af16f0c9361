// Runs a Node script in this process and reports its wall time and peak RSS on exit:
//   node bench/_measure.cjs OUT.json script.js args...
// Used by the benchmarks to measure child processes (the CLI, baselines) the same way.
const { writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const [, , out, script, ...args] = process.argv;
const start = process.hrtime.bigint();
process.on('exit', (code) => {
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  writeFileSync(out, JSON.stringify({ ms, cpuMs, userMs: usage.userCPUTime / 1000, sysMs: usage.systemCPUTime / 1000, maxRssMB: usage.maxRSS / 1024, code }));
});
process.argv = [process.argv[0], resolve(script), ...args];
require(resolve(script));
