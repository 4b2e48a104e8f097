/**
 * Test-only preload (`node --import ./kill-at.mjs dist/index.js`): counts the
 * file-system mutations the process makes under OAC_UNDER and, at the
 * OAC_KILL_AT-th, kills the process with SIGKILL before that call runs (a
 * write: after half of its bytes are on disk, as a kill in the middle of a
 * write would leave them). With OAC_COUNT_FILE it writes the count there at
 * exit. It patches node:fs and updates the ES module bindings, so the
 * bundle's own imports see the patched functions.
 */
import {Buffer} from 'node:buffer'
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import * as path from 'node:path'
import process from 'node:process'
import {fileURLToPath} from 'node:url'

const under = process.env.OAC_UNDER ? path.resolve(process.env.OAC_UNDER) : undefined
const killAt = Number(process.env.OAC_KILL_AT || 0)
const countFile = process.env.OAC_COUNT_FILE
const original = {
  openSync: fs.openSync,
  writeFileSync: fs.writeFileSync,
  writeSync: fs.writeSync,
  renameSync: fs.renameSync,
  rmSync: fs.rmSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
  rmdirSync: fs.rmdirSync,
  appendFileSync: fs.appendFileSync,
  copyFileSync: fs.copyFileSync
}
/** Descriptors opened for writing under OAC_UNDER, and their paths. */
const writing = new Map()
let count = 0

function isInside(target) {
  if (!under || (typeof target !== 'string' && !(target instanceof globalThis.URL))) return false
  const absolute = path.resolve(typeof target === 'string' ? target : fileURLToPath(target))
  return absolute === under || absolute.startsWith(under + path.sep)
}

/** Counts one mutation of `target`; at the chosen one, does `half` and dies. */
function mutation(target, half) {
  if (!isInside(target)) return
  count++
  if (count !== killAt) return
  half?.()
  process.kill(process.pid, 'SIGKILL')
  // The signal is on its way: nothing more may happen meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000)
}

function opensForWriting(flags) {
  if (typeof flags === 'number')
    return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0
  return typeof flags === 'string' && /[wa+]/.test(flags)
}

fs.openSync = function openSync(file, flags, mode) {
  if (opensForWriting(flags)) mutation(file)
  const fd = original.openSync(file, flags, mode)
  if (opensForWriting(flags) && isInside(file)) writing.set(fd, file)
  return fd
}
fs.writeFileSync = function writeFileSync(file, data, options) {
  const target = typeof file === 'number' ? writing.get(file) : file
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  mutation(target, () => {
    const half = bytes.subarray(0, Math.floor(bytes.length / 2))
    if (typeof file === 'number') original.writeSync(file, half)
    else original.writeFileSync(file, half, options)
  })
  return original.writeFileSync(file, data, options)
}
fs.writeSync = function writeSync(fd, ...rest) {
  mutation(writing.get(fd))
  return original.writeSync(fd, ...rest)
}
for (const name of ['renameSync', 'copyFileSync']) {
  fs[name] = function (from, to, ...rest) {
    mutation(isInside(from) ? from : to)
    return original[name](from, to, ...rest)
  }
}
for (const name of ['rmSync', 'unlinkSync', 'mkdirSync', 'rmdirSync', 'appendFileSync']) {
  fs[name] = function (target, ...rest) {
    mutation(target)
    return original[name](target, ...rest)
  }
}
syncBuiltinESMExports()

if (countFile) process.on('exit', () => original.writeFileSync(countFile, String(count)))
