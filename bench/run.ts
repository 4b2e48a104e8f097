/**
 * `npm run bench [-- <case> ...] [--rounds N] [--before REV]`: the action as
 * users run it (`node dist/index.js` with the runner's environment, a fresh
 * process, the workspace on the checkout's disk), against a floor process that
 * makes the same requests with bare `fetch` (bench/floor.mjs), taken in turns;
 * for the entity cases also `floor+files`, the floor that writes (export) or
 * reads (re-export, plan) one plain JSON file per entity as well.
 * Cases: export, re-export, export-ids, plan, export-data. Build dist/ first.
 * Five rounds by default (about three minutes on a quiet 2-core machine); the
 * README's figures are from `--rounds 5`. `--before REV` adds the committed
 * dist/ of another commit as a contender of its own in the same turns, which is
 * how a change is judged on a machine whose speed drifts.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync} from 'node:fs'
import {mkdir, rm} from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import {parseArgs} from 'node:util'
import {CASES, type CaseResult} from './cases.js'
import {diskProbe, machine, median, ROOT, WORK, type Figures, type Run} from './measure.js'

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    rounds: {type: 'string', default: '5'},
    before: {type: 'string'}
  }
})
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1')
const names = positionals.length ? positionals : Object.keys(CASES)
for (const name of names)
  if (!CASES[name]) throw new Error(`unknown case '${name}': ${Object.keys(CASES).join(', ')}`)
if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('no dist/: run npm run build')

await mkdir(WORK, {recursive: true})
const {line, fsType} = machine()
// The runner's workspace is an ordinary disk; a memory file system hides what writing files costs.
if (fsType === 'tmpfs')
  throw new Error(`${WORK} is not on an ordinary disk: move the checkout to one and run again`)
console.log(`${line}; ${rounds} rounds after a warm-up, in turns`)
const before = values.before ? extractDist(values.before) : undefined
if (before) console.log(`before: dist/ of ${values.before} (${before.commit})`)

try {
  for (const name of names) {
    const load = os.loadavg()[0].toFixed(1)
    const probe = diskProbe()
    const result = await CASES[name](rounds, before?.action)
    console.log(`\n${table(result)}`)
    console.log(
      `  machine: load average ${load} before, ${os.loadavg()[0].toFixed(1)} after; 1,000 empty files created in ${fmt(probe)} ms before, ${fmt(diskProbe())} ms after`
    )
  }
} finally {
  await rm(WORK, {recursive: true, force: true})
}

function table({title, figures, compare, rssTarget}: CaseResult): string {
  const lines = [`${title}`]
  lines.push(
    `  ${''.padEnd(12)}${'median'.padStart(10)}  ${'range'.padEnd(17)}${'peak RSS'.padStart(9)}  CPU user+sys  requests`
  )
  for (const [name, {runs, requests}] of Object.entries(figures)) {
    const ms = runs.map(r => r.ms)
    const rss = runs.map(r => r.rssMb ?? NaN)
    const cpu = `${median(runs.map(r => r.userS ?? NaN)).toFixed(2)}+${median(runs.map(r => r.sysS ?? NaN)).toFixed(2)} s`
    lines.push(
      `  ${name.padEnd(12)}${`${fmt(median(ms))} ms`.padStart(10)}  ${`${fmt(Math.min(...ms))}–${fmt(Math.max(...ms))} ms`.padEnd(17)}${`${fmt(Math.max(...rss))} MB`.padStart(9)}  ${cpu.padEnd(12)}  ${requests}`
    )
  }
  lines.push(`  ${ratioLine(figures[compare.of], figures[compare.to], compare)}`)
  if (figures['floor+files'])
    lines.push(
      `  ${ratioLine(figures[compare.of], figures['floor+files'], {...compare, to: 'floor+files', target: 'none (the floor with the files written or read)'})}`
    )
  if (figures.before)
    lines.push(
      `  ${ratioLine(figures[compare.of], figures.before, {...compare, to: 'before', target: compare.throughput ? 'higher is better' : 'lower is better'})}`
    )
  if (rssTarget)
    lines.push(`  peak RSS of ${compare.of}: highest of the runs above; target ≤ ${rssTarget} MB`)
  return lines.join('\n')
}

/** The ratio of each round (a contender and its floor ran in the same round), median and range. */
function ratioLine(of: Figures, to: Figures, compare: CaseResult['compare']): string {
  const ratios = of.runs.map((run, i) =>
    compare.throughput ? to.runs[i].ms / run.ms : run.ms / to.runs[i].ms
  )
  const cpu = of.runs.map((run, i) => cpuS(run) / cpuS(to.runs[i]))
  const what = compare.throughput
    ? `throughput ${compare.of} / ${compare.to}`
    : `${compare.of} / ${compare.to}`
  const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`
  return `${what}: ${median(ratios).toFixed(2)}× (rounds ${range}), target ${compare.target}; CPU time ${compare.of} / ${compare.to}: ${median(cpu).toFixed(2)}×`
}

function cpuS(run: Run): number {
  return (run.userS ?? NaN) + (run.sysS ?? NaN)
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en')
}

/** The committed dist/ of `rev`, unpacked under WORK: the `before` contender. */
function extractDist(rev: string): {action: string; commit: string} {
  const commit = execFileSync('git', ['rev-parse', '--short', rev], {
    cwd: ROOT,
    encoding: 'utf8'
  }).trim()
  const dir = path.join(WORK, `before-${commit}`)
  mkdirSync(dir, {recursive: true})
  execFileSync('sh', ['-c', `git archive ${commit} dist | tar -x -C '${dir}'`], {cwd: ROOT})
  return {action: path.join(dir, 'dist/index.js'), commit}
}
