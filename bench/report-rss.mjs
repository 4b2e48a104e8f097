// Preloaded into a measured child process: prints its peak RSS when it exits.
import process from 'node:process'

process.on('exit', () => {
  process.stderr.write(`\nmaxrss-kb=${process.resourceUsage().maxRSS}\n`)
})
