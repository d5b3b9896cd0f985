// The Lua scripts of scripts.ts and limit-scripts.ts, defined as ioredis commands (EVALSHA, with
// a fallback to EVAL when the server has not seen them), and the typed signatures they answer.
import type { Cluster, Redis } from 'ioredis';
import type { FieldWrite, RoomEventOutcome } from './store.js';
import { CAS_FIELDS, CAS_FIELDS_IF_MARKER, CLAIM_OR_GET, DEL_IF_EQUALS, HGET_WITH_MARKER, LOOKUP_CONFERENCE_ID, ROOM_EVENT, SET_IF_HELD } from './scripts.js';
import { INCR_WITH_EXPIRY, READ_WINDOWS, RESERVE_ATTEMPT, SETTLE_ATTEMPT, SLIDING_WINDOW } from './limit-scripts.js';

export interface ScriptCommands {
  casFields(numKeys: number, ...args: string[]): Promise<(string | null)[]>;
  casFieldsIfMarker(numKeys: number, ...args: string[]): Promise<(string | null)[] | null>;
  lookupConferenceId(...args: string[]): Promise<[string | null, string | null, string | null, string | null, string | null]>;
  hgetWithMarker(...args: string[]): Promise<[string | null, string | null]>;
  slidingWindow(...args: string[]): Promise<number>;
  incrWithExpiry(...args: string[]): Promise<number>;
  delIfEquals(...args: string[]): Promise<number>;
  setIfHeld(...args: string[]): Promise<number>;
  claimOrGet(numKeys: number, ...args: string[]): Promise<string | null>;
  roomEvent(...args: string[]): Promise<RoomEventOutcome>;
  reserveAttempt(numKeys: number, ...args: string[]): Promise<[string, ...(string | number)[]]>;
  settleAttempt(numKeys: number, ...args: string[]): Promise<number>;
  readWindows(numKeys: number, ...args: string[]): Promise<[number, number][]>;
}

export function defineCommands(client: Redis | Cluster): ScriptCommands {
  const define = (name: string, lua: string, numberOfKeys?: number) =>
    client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  define('casFields', CAS_FIELDS);
  define('casFieldsIfMarker', CAS_FIELDS_IF_MARKER);
  define('lookupConferenceId', LOOKUP_CONFERENCE_ID, 5);
  define('hgetWithMarker', HGET_WITH_MARKER, 2);
  define('slidingWindow', SLIDING_WINDOW, 1);
  define('incrWithExpiry', INCR_WITH_EXPIRY, 1);
  define('delIfEquals', DEL_IF_EQUALS, 1);
  define('setIfHeld', SET_IF_HELD, 2);
  define('claimOrGet', CLAIM_OR_GET);
  define('roomEvent', ROOM_EVENT, 3);
  define('reserveAttempt', RESERVE_ATTEMPT);
  define('settleAttempt', SETTLE_ATTEMPT);
  define('readWindows', READ_WINDOWS);
  return client as unknown as ScriptCommands;
}

/** KEYS and ARGV triples (1-based index into KEYS, field, value) of the compare-and-set scripts. */
export function casArguments(writes: FieldWrite[], leadingKeys: string[] = []): { keys: string[]; args: string[] } {
  const keys = [...leadingKeys];
  const args: string[] = [];
  for (const w of writes) {
    let k = keys.indexOf(w.key, leadingKeys.length);
    if (k < 0) k = keys.push(w.key) - 1;
    args.push(String(k + 1), w.field, w.value);
  }
  return { keys, args };
}
