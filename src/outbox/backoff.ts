// When to try a failed message again: exponential backoff with jitter, capped, and a deadline
// after which the message is given up ("dead") and left for operators.

export interface BackoffPolicy {
  /** Delay before the first retry (jittered down to half of it). */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Age after which a message that still fails is given up. */
  giveUpAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  firstDelayMs: 8_000, // first retry within 4 to 8 s
  maxDelayMs: 10 * 60_000,
  giveUpAfterMs: 24 * 3600_000,
};

/**
 * The delay after the `attempts`-th failed attempt (1 = the first): first × 2^(attempts-1),
 * capped, with "equal jitter" (a random point in the upper half) so that many messages failing
 * together during an outage do not all come back at the same instant.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Whether a message created at `createdAt` that just failed should be given up. */
export function shouldGiveUp(createdAt: Date, now: Date, policy: BackoffPolicy = DEFAULT_BACKOFF): boolean {
  return now.getTime() - createdAt.getTime() >= policy.giveUpAfterMs;
}
