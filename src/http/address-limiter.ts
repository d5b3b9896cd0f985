// Counts events per client address in this process, over fixed windows, with a bounded memory:
// at most `maxAddresses` are tracked per window; addresses beyond those are not counted until
// the next window (a flood from very many addresses cannot grow the process). In
// process on purpose: it guards this instance's work and logs, for the price of a Map lookup,
// where a shared counter would cost a cache round trip on every refused request.
export class AddressLimiter {
  #window = -1;
  readonly #counts = new Map<string, number>();

  constructor(readonly limit: number, readonly windowMs: number, readonly maxAddresses = 10_000) {}

  /** Counts one event for `address`; returns its count in the current window. */
  hit(address: string, now = Date.now()): number {
    const window = Math.floor(now / this.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const n = (this.#counts.get(address) ?? 0) + 1;
    if (n > 1 || this.#counts.size < this.maxAddresses) this.#counts.set(address, n);
    return n;
  }

  /** Seconds until the current window ends. */
  retryAfterS(now = Date.now()): number {
    return Math.max(1, Math.ceil(((Math.floor(now / this.windowMs) + 1) * this.windowMs - now) / 1000));
  }
}
