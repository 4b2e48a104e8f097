/**
 * A file written under a temporary name and hashed as it is written. It gets
 * its final name only once it is complete (`commit`), so a reader, a commit or
 * a later run never sees half a file; `discard` removes every trace.
 */
import {createHash, type Hash} from 'node:crypto'
import {open, rename, rm, type FileHandle} from 'node:fs/promises'

/** Initial size of the reusable encoding buffer; it grows to the largest page seen. */
const INITIAL_BUFFER_BYTES = 4 << 20
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3

export class FileSink {
  #bytes = 0
  #closed = false
  // One buffer reused for every page: a fresh multi-megabyte Buffer per page is
  // garbage the GC collects late, and that is what drives the peak RSS up.
  #buffer: Buffer | undefined

  private constructor(
    /** Where the content is written until it is committed. */
    readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly hash: Hash
  ) {}

  /** Opens (truncating) `tempPath`. */
  static async open(tempPath: string): Promise<FileSink> {
    return new FileSink(tempPath, await open(tempPath, 'w'), createHash('sha256'))
  }

  get bytes(): number {
    return this.#bytes
  }

  async write(text: string): Promise<void> {
    // One encoding for both, so the hash is of exactly the bytes on disk.
    await this.writeBytes(Buffer.from(text, 'utf8'))
  }

  private async writeBytes(bytes: Buffer): Promise<void> {
    this.hash.update(bytes)
    this.#bytes += bytes.length
    // A write may be partial (a full disk, a signal): go on until every byte is down.
    for (let done = 0; done < bytes.length;) {
      const {bytesWritten} = await this.handle.write(bytes, done, bytes.length - done)
      done += bytesWritten
    }
  }

  /** Writes each text followed by a line feed (NDJSON lines), in one write call. */
  async writeLines(lines: readonly string[]): Promise<void> {
    let needed = 0
    for (const line of lines) needed += line.length * MAX_BYTES_PER_UNIT + 1
    if (!this.#buffer || this.#buffer.length < needed)
      this.#buffer = Buffer.allocUnsafeSlow(Math.max(needed, INITIAL_BUFFER_BYTES))
    const buffer = this.#buffer
    let offset = 0
    for (const line of lines) {
      offset += buffer.write(line, offset, 'utf8')
      buffer[offset++] = 0x0a
    }
    await this.writeBytes(buffer.subarray(0, offset))
  }

  /** Closes the file; its content stays under the temporary name. Returns the SHA-256 (hex). */
  async close(): Promise<string> {
    if (!this.#closed) {
      this.#closed = true
      await this.handle.close()
    }
    return this.hash.copy().digest('hex')
  }

  /** Closes the file and gives it its final name. Returns the SHA-256 (hex). */
  async commit(finalPath: string): Promise<string> {
    const sha256 = await this.close()
    await rename(this.tempPath, finalPath)
    return sha256
  }

  /** Closes and removes the temporary file; never throws. */
  async discard(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      await this.handle.close().catch(() => undefined)
    }
    await rm(this.tempPath, {force: true}).catch(() => undefined)
  }
}
