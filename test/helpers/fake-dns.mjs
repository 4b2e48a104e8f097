/**
 * Preloaded (`node --import`) by the tests of DNS failures, in the child
 * process they start: a host name ending in `.test` fails to resolve with the
 * code in FAKE_DNS_CODE (ENOTFOUND or EAI_AGAIN), as getaddrinfo reports it,
 * and each such lookup is appended as a line to the file FAKE_DNS_LOG. Every
 * other name resolves as usual. Node's sockets look names up through
 * `dns.lookup`, so this is what a mistyped or unreachable host looks like.
 */
import {appendFileSync} from 'node:fs'
import process from 'node:process'
import dns from 'node:dns'

const lookup = dns.lookup
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (!hostname.endsWith('.test')) return lookup.call(this, hostname, options, callback)
  const code = process.env.FAKE_DNS_CODE
  if (process.env.FAKE_DNS_LOG) appendFileSync(process.env.FAKE_DNS_LOG, `${hostname}\n`)
  const error = Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), {
    code,
    errno: code === 'EAI_AGAIN' ? -3001 : -3008,
    syscall: 'getaddrinfo',
    hostname
  })
  process.nextTick(callback, error)
}
