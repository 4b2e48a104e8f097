/**
 * Progress of a long export: a log line every `intervalMs` (time-based, so a
 * fast export is not flooded and a slow one still shows it is alive), with the
 * records done out of the total and the rate since the report started.
 */
import type {Io} from '../io.js'

export interface ProgressOptions {
  /** Milliseconds, e.g. `Date.now`; injectable so tests need no real waiting. */
  now?: () => number
  /** Least time between two progress lines (default 5 s). */
  intervalMs?: number
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 5000

export class Progress {
  readonly #now: () => number
  readonly #intervalMs: number
  #startedAt = 0
  #lastLineAt = 0

  constructor(
    private readonly io: Io,
    options: ProgressOptions = {}
  ) {
    this.#now = options.now ?? Date.now
    this.#intervalMs = options.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS
  }

  /** Starts the clock for a report (again, when it restarts). */
  start(): void {
    this.#startedAt = this.#now()
    this.#lastLineAt = this.#startedAt
  }

  /** Called after each page; logs a line when the interval has passed. */
  update(reportId: string, done: number, total: number): void {
    const now = this.#now()
    if (now - this.#lastLineAt < this.#intervalMs) return
    this.#lastLineAt = now
    const percent = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : ''
    this.io.info(
      `Report ${reportId}: ${formatCount(done)} / ${formatCount(total)} records${percent}, ${formatCount(this.rate(done))} records/s`
    )
  }

  /** Records per second since `start`. */
  rate(done: number): number {
    const seconds = (this.#now() - this.#startedAt) / 1000
    return seconds > 0 ? Math.round(done / seconds) : done
  }
}

/** 1234567 → "1,234,567", the same on every runner whatever its locale. */
export function formatCount(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
