// The CLI's entry (bundled to dist/cli-main.js, which dist/cli.js runs: src/cli/launch.ts).
import { main } from './main';

// A closed pipe (`vertex-datasets validate ... | head`) ends the output quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`vertex-datasets: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
