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
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

export function ms(value: number): string {
  return `${value.toFixed(0)} ms`
}

export function ratio(value: number, floor: number): string {
  return `${(value / floor).toFixed(2)}×`
}
