// Preloaded into the size-limit CLI by the bench: prints the process's CPU time (all threads)
// when it exits, so the bench can compare work done, which background load does not inflate.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nperfgate-bench-cpu ${user + system}\n`);
});
