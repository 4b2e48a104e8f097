/**
 * A file written under a temporary name and hashed as it is written. It gets
 * its final name only once it is complete (`commit`), so a reader, a commit or
 * a later run never sees half a file; `discard` removes every trace.
 *
 * A symbolic link at the temporary name is refused, never written through;
 * the final name is given by a rename, which replaces a link there instead
 * of following it.
 *
 * Bytes are appended synchronously into one reusable buffer and written out a
 * megabyte at a time. `mark` and `rollback` take the file back to an earlier
 * length, hash included, so a page that fails halfway leaves nothing behind.
 */
import {createHash, type Hash} from 'node:crypto'
import {rename, rm, type FileHandle} from 'node:fs/promises'
import {openToWrite} from '../workspace/files.js'
import type {LineSink} from './page-stream.js'

/** Bytes gathered before one write call. */
const FLUSH_BYTES = 1 << 20

/** A length the file can be taken back to. */
export interface SinkMark {
  readonly bytes: number
  readonly hash: Hash
}

export class FileSink implements LineSink {
  /** Bytes on disk. */
  #written = 0
  #closed = false
  // One buffer for the whole file: a fresh Buffer per page is garbage the GC
  // collects late, and that is what drives the peak RSS up.
  #buffer = Buffer.allocUnsafeSlow(FLUSH_BYTES * 2)
  #buffered = 0

  private constructor(
    /** Where the content is written until it is committed. */
    readonly tempPath: string,
    private readonly handle: FileHandle,
    private hash: Hash
  ) {}

  /** Opens (truncating) `tempPath`; refuses a symbolic link there instead of writing through it. */
  static async open(tempPath: string): Promise<FileSink> {
    return new FileSink(tempPath, await openToWrite(tempPath), createHash('sha256'))
  }

  /** Bytes in the file, buffered ones included. */
  get bytes(): number {
    return this.#written + this.#buffered
  }

  /** Copies `bytes[start, end)` into the buffer; `flushIfFull` writes it out. */
  append(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start
    if (this.#buffered + length > this.#buffer.length) {
      const grown = Buffer.allocUnsafeSlow(
        Math.max(this.#buffer.length * 2, this.#buffered + length)
      )
      this.#buffer.copy(grown, 0, 0, this.#buffered)
      this.#buffer = grown
    }
    this.#buffer.set(bytes.subarray(start, end), this.#buffered)
    this.#buffered += length
  }

  appendText(text: string): void {
    const bytes = Buffer.from(text, 'utf8')
    this.append(bytes, 0, bytes.length)
  }

  /** Appends `text` and writes out what is buffered once it reaches a megabyte. */
  async write(text: string): Promise<void> {
    this.appendText(text)
    await this.flushIfFull()
  }

  async flushIfFull(): Promise<void> {
    if (this.#buffered >= FLUSH_BYTES) await this.flush()
  }

  /** Writes out everything buffered. */
  async flush(): Promise<void> {
    const bytes = this.#buffer.subarray(0, this.#buffered)
    // One encoding for both, so the hash is of exactly the bytes on disk.
    this.hash.update(bytes)
    // A write may be partial (a full disk, a signal): go on until every byte is down.
    for (let done = 0; done < bytes.length;) {
      const {bytesWritten} = await this.handle.write(
        bytes,
        done,
        bytes.length - done,
        this.#written + done
      )
      done += bytesWritten
    }
    this.#written += bytes.length
    this.#buffered = 0
  }

  /** The current length and hash, after writing out what is buffered. */
  async mark(): Promise<SinkMark> {
    await this.flush()
    return {bytes: this.#written, hash: this.hash.copy()}
  }

  /** Takes the file back to `mark`: what was appended since is gone, from disk and hash. */
  async rollback(mark: SinkMark): Promise<void> {
    this.#buffered = 0
    if (this.#written !== mark.bytes) {
      await this.handle.truncate(mark.bytes)
      this.#written = mark.bytes
    }
    this.hash = mark.hash.copy()
  }

  /** Closes the file; its content stays under the temporary name. Returns the SHA-256 (hex). */
  async close(): Promise<string> {
    if (!this.#closed) {
      await this.flush()
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
