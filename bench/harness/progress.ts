/**
 * Shows where a run is (suite, case, round). On a terminal one line is redrawn in place; in a
 * log (CI) each update is its own line.
 */
export class Progress {
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly inPlace: boolean = Boolean(process.stderr.isTTY),
  ) {}

  /** Replaces the progress line with `text`. */
  update(text: string): void {
    if (this.inPlace) {
      const width = this.stream.columns ?? 120;
      this.stream.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the progress line so that what follows starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
