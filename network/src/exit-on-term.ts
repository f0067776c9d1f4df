/**
 * Preloaded (`--require`) into a Node process that does not handle SIGTERM itself (the chaincode
 * servers) when it runs with `--cpu-prof`: Node writes the CPU profile only on a normal exit, and the
 * network stops its processes with SIGTERM.
 */
process.once('SIGTERM', () => {
  process.exit(0);
});
