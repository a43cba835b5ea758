import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';

/**
 * A text file written a whole line at a time while a session runs. Lines collect while the current socket read is
 * being handled and go to the operating system right after it (one write per turn of the event loop instead of a
 * system call per line on the bar → order path); a session killed a moment later leaves a file that ends on a
 * complete row.
 */
export class LineFile {
  private fd: number;
  private pending = '';
  private scheduled = false;

  constructor(
    readonly path: string,
    header: string,
    append = false,
    /** Called right after lines went to the operating system (a file derived from this one follows it at once). */
    private readonly onFlushed?: () => void,
  ) {
    // Appending continues a file that exists with its header; a file that is new or empty starts with the header.
    const continuing = append && existsSync(path) && statSync(path).size > 0;
    this.fd = openSync(path, continuing ? 'a' : 'w');
    if (!continuing) writeSync(this.fd, `${header}\n`);
  }

  line(text: string): void {
    if (this.fd < 0) return;
    this.pending += `${text}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Writes what has collected now. */
  flush(): void {
    if (this.fd < 0 || this.pending === '') return;
    writeSync(this.fd, this.pending);
    this.pending = '';
    this.onFlushed?.();
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}
