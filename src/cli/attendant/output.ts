// What the CLI prints. Humans get lines on stdout and a progress bar on stderr when it is a
// terminal; --json gets exactly one JSON document on stdout and nothing else there.
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
}

export class Output {
  constructor(readonly io: Io, readonly json: boolean) {}

  /** A line for humans (nothing in --json mode). */
  line(text: string): void {
    if (!this.json) this.io.stdout.write(text + '\n');
  }

  /** A diagnostic, always on stderr. */
  warn(text: string): void {
    this.io.stderr.write(`attendant: ${text}\n`);
  }

  /** The machine-readable result (only in --json mode). */
  result(value: unknown): void {
    if (this.json) this.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /**
   * Progress on stderr: a bar on a terminal. Off a terminal, plain lines only when `plainLines`
   * (a job being followed); per-item commands stay quiet there and print their results.
   */
  progress(label: string, { plainLines = false } = {}): Progress {
    const tty = !!this.io.stderr.isTTY;
    return new Progress(this.io.stderr, label, tty || (plainLines && !this.json));
  }
}

/** A bar redrawn in place on a terminal; otherwise a plain line whenever the numbers change. */
export class Progress {
  #last = '';
  readonly #tty: boolean;

  constructor(private readonly stream: OutStream, private readonly label: string, private readonly enabled: boolean) {
    this.#tty = !!stream.isTTY;
  }

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    const text = `${this.label} ${done}/${total}${detail ? ` ${detail}` : ''}`;
    if (text === this.#last) return;
    this.#last = text;
    if (this.#tty) {
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - text.length - 4));
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      this.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
    } else {
      this.stream.write(text + '\n');
    }
  }

  /** Ends the bar's line on a terminal before another message; the next update redraws it. */
  interrupt(): void {
    if (this.enabled && this.#tty && this.#last) this.stream.write('\n');
    this.#last = '';
  }

  /** Ends the bar's line on a terminal. */
  done(): void {
    if (this.enabled && this.#tty && this.#last) this.stream.write('\n');
  }
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let stopped = false; // after a throw (e.g. the service is unreachable) no new item starts
  const worker = async () => {
    while (!stopped && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        stopped = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
