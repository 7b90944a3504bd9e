/**
 * Preloaded (`-r`) into every measured child process: at exit, reports the process's peak resident set size on
 * stderr, so the parent gets the same memory figure for every case whatever the child prints.
 */
process.on('exit', () => {
  // Linux and macOS report maxRSS in kilobytes.
  process.stderr.write(`\n__PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
