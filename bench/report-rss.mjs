// Preloaded into a measured child process: prints its peak RSS when it exits.
// VmHWM (the peak of this address space), not getrusage's maxRSS: Linux carries
// maxRSS over from the parent across fork and exec, so a child would report at
// least the size of the benchmark process that started it.
import {readFileSync} from 'node:fs'
import process from 'node:process'

process.on('exit', () => {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
  process.stderr.write(`\nmaxrss-kb=${hwm ?? process.resourceUsage().maxRSS}\n`)
})
