// Preloaded into a measured child process: prints its peak RSS when it exits.
process.on('exit', () => {
  process.stderr.write(`\nmaxrss-kb=${process.resourceUsage().maxRSS}\n`)
})
