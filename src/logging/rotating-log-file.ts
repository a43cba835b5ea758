import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The log file, written line by line with a system call each (a log line is on disk, for the operating system, as
 * soon as it is logged: a crash loses none) and rotated by size the classic way: when a line would take the file past
 * `maxBytes`, ets.log becomes ets.log.1, ets.log.1 becomes ets.log.2 … and the oldest beyond `keep` goes. A stream
 * through libuv's thread pool made every command wait 10–20 ms for the file to open and to close.
 */
export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly directory: string,
    private readonly name: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.fd = openSync(this.path(0), 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** Appends a line (pino's destination interface); a line logged after `close` opens the file again. */
  write(line: string): boolean {
    if (this.fd < 0) this.fd = openSync(this.path(0), 'a');
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(this.path(this.keep), { force: true });
    for (let k = this.keep - 1; k >= 0; k--) {
      try {
        renameSync(this.path(k), this.path(k + 1));
      } catch (error) {
        // a gap in the numbers (a file removed by hand) is nothing to rotate
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    this.fd = openSync(this.path(0), 'a');
    this.size = 0;
  }

  /** ets.log for 0, ets.log.k for k. */
  private path(k: number): string {
    return join(this.directory, k === 0 ? this.name : `${this.name}.${k}`);
  }
}
