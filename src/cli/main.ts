async function main(argv: string[]): Promise<number> {
  process.stderr.write(`vertex-datasets: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
