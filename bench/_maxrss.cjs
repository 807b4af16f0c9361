// Preloaded into benchmark child processes: reports the process's peak resident set size and the
// CPU time it used (all threads, including GC), so ratios stay meaningful on a busy machine.
process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeSync(2, `\n__USAGE__ ${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
});
