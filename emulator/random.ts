// Deterministic randomness: seeded PRNG, string hashing, v4-shaped UUIDs and shuffles. Used for
// idSeed/shuffleSeed/generate()/raw rows so that runs are reproducible.
import {randomUUID} from 'node:crypto'

export type Rng = () => number

/** mulberry32: tiny, fast and good enough for test data. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** A fast integer mix (murmur3 finalizer) to derive per-row seeds without allocating. */
export function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const tmp = items[i]
    items[i] = items[j]
    items[j] = tmp
  }
  return items
}

/** A lower-case v4-shaped UUID drawn from rng (matches IdGenerator.isValidId). */
export function seededUuid(rng: Rng): string {
  const hex = (n: number): string => {
    let out = ''
    for (let i = 0; i < n; i++) out += Math.floor(rng() * 16).toString(16)
    return out
  }
  const variant = '89ab'[Math.floor(rng() * 4)]
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`
}

/** UUID source: seeded when a seed is given, crypto.randomUUID otherwise. */
export function uuidSource(seed?: number): () => string {
  if (seed === undefined) return () => randomUUID()
  const rng = mulberry32(seed)
  return () => seededUuid(rng)
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
