import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A text file written a whole line at a time, straight to the operating system: what is written survives the
 * process being killed a moment later, so a crashed session leaves result files that end on a complete row.
 */
export class LineFile {
  private fd: number;

  constructor(
    readonly path: string,
    header: string,
  ) {
    this.fd = openSync(path, 'w');
    this.line(header);
  }

  line(text: string): void {
    if (this.fd < 0) return;
    writeSync(this.fd, `${text}\n`);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
