// A circuit breaker: after `failureThreshold` consecutive failures the dependency is skipped
// for `openMs`, then one trial call decides. A dead dependency costs callers nothing while open.

export class CircuitOpenError extends Error {
  constructor(readonly dependency: string) {
    super(`${dependency} is unavailable (circuit open)`);
    this.name = 'CircuitOpenError';
  }
}

export interface BreakerOptions {
  failureThreshold?: number;
  openMs?: number;
  /** Deadline per call; a slow answer counts as a failure. */
  timeoutMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  #trialInFlight = false;
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** Thrown while open: one instance, since building an Error (its stack) per refused call adds up. */
  readonly #openError: CircuitOpenError;

  constructor(readonly dependency: string, options: BreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 3;
    this.#openMs = options.openMs ?? 2000;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#openError = new CircuitOpenError(dependency);
  }

  get isOpen(): boolean {
    return this.#failures >= this.#threshold && this.#now() < this.#openUntil;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const halfOpen = this.#failures >= this.#threshold;
    if (halfOpen) {
      if (this.#now() < this.#openUntil || this.#trialInFlight) throw this.#openError;
      this.#trialInFlight = true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.dependency} did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
      this.#failures = 0;
      return result;
    } catch (err) {
      this.#failures++;
      if (this.#failures >= this.#threshold) this.#openUntil = this.#now() + this.#openMs;
      throw err;
    } finally {
      clearTimeout(timer);
      if (halfOpen) this.#trialInFlight = false;
    }
  }

  /** Records an outcome observed elsewhere (e.g. a connection event). */
  recordFailure(): void {
    this.#failures++;
    if (this.#failures >= this.#threshold) this.#openUntil = this.#now() + this.#openMs;
  }
}
