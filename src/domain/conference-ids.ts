// Conference IDs: exactly 7 ASCII digits, first digit not 0.
import { randomInt } from 'node:crypto';

export const CONFERENCE_ID_PATTERN = /^[1-9][0-9]{6}$/;
export const MIN_CONFERENCE_ID = 1_000_000;
export const MAX_CONFERENCE_ID = 9_999_999;

/** `count` IDs drawn independently and uniformly from the range, the whole one by default (a CSPRNG). */
export function randomConferenceIds(count: number, min = MIN_CONFERENCE_ID, max = MAX_CONFERENCE_ID): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(randomInt(min, max + 1));
  return out;
}
