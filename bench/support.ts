/** Shared pieces of the benchmarks: an emulator in its own process, timing, formatting. */
import {spawn, type ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface EmulatorProcess {
  url: string
  token: string
  collectionId: string
  stop(): Promise<void>
}

/**
 * Starts the emulator command in a child process, so the server has its own
 * event loop and the measured client does not share a thread with it.
 */
export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const lines = createInterface({input: child.stdout!})
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', code => reject(new Error(`emulator exited with ${code}`)))
  })
  const info = JSON.parse(first) as {url: string; token: string; collectionId: string}
  return {
    ...info,
    stop: async () =>
      new Promise(resolve => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

/** The median of `runs` timings of `fn`, in milliseconds, after one warm-up run. */
export async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  return (await interleaved(runs, {only: fn})).only
}

/**
 * Medians of several measurements taken in turns (after one warm-up of each),
 * each round in a rotated order: a figure and its floor see the same load of
 * the machine, which drifts over a run by more than the differences measured.
 */
export async function interleaved<K extends string>(
  runs: number,
  fns: Record<K, () => Promise<unknown>>
): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[]
  for (const key of keys) await fns[key]()
  const times = Object.fromEntries(keys.map(key => [key, [] as number[]])) as Record<K, number[]>
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(round + i) % keys.length]
      const start = performance.now()
      await fns[key]()
      times[key].push(performance.now() - start)
    }
  }
  return Object.fromEntries(
    keys.map(key => {
      const sorted = times[key].sort((a, b) => a - b)
      return [key, sorted[Math.floor(sorted.length / 2)]]
    })
  ) as Record<K, number>
}

export function ms(value: number): string {
  return `${value.toFixed(0)} ms`
}

export function ratio(value: number, floor: number): string {
  return `${(value / floor).toFixed(2)}×`
}
