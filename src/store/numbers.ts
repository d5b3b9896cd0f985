// Dial-in numbers (E.164), each on one bridge.
import type { Sql } from './db.js';

/** What a call needs of the dialed number (the directory caches it). */
export interface NumberRow {
  number: string;
  bridge_id: string;
  type: 'toll' | 'toll_free';
  primary_language: string;
  secondary_languages: string[];
  /** Callers may say the ID and PIN (Gather input "dtmf speech"). */
  speech_input: boolean;
  version: string;
}

export interface DialInNumberRow extends NumberRow {
  city: string | null;
  country: string | null;
}

export interface DialInNumberInput {
  bridgeId: string;
  type: 'toll' | 'toll_free';
  primaryLanguage: string;
  secondaryLanguages: string[];
  city: string | null;
  country: string | null;
  speechInput: boolean;
}

const COLUMNS = 'number, bridge_id, type, primary_language, secondary_languages, city, country, speech_input, version';

/** `lock`: 'update' to change the row, 'share' to rely on it (e.g. as a bridge default) until COMMIT. */
export async function findNumber(sql: Sql, number: string, { lock }: { lock?: 'update' | 'share' } = {}): Promise<DialInNumberRow | null> {
  const suffix = lock === 'update' ? ' FOR UPDATE' : lock === 'share' ? ' FOR SHARE' : '';
  const { rows } = await sql.query<DialInNumberRow>(`SELECT ${COLUMNS} FROM dial_in_numbers WHERE number = $1${suffix}`, [number]);
  return rows[0] ?? null;
}

/** Inserts the number; null when it exists already (a concurrent PUT may have just made it). */
export async function insertNumber(sql: Sql, number: string, n: DialInNumberInput): Promise<DialInNumberRow | null> {
  const { rows } = await sql.query<DialInNumberRow>(
    `INSERT INTO dial_in_numbers (number, bridge_id, type, primary_language, secondary_languages, city, country, speech_input)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (number) DO NOTHING RETURNING ${COLUMNS}`,
    [number, n.bridgeId, n.type, n.primaryLanguage, n.secondaryLanguages, n.city, n.country, n.speechInput],
  );
  return rows[0] ?? null;
}

export async function replaceNumber(sql: Sql, number: string, n: DialInNumberInput): Promise<DialInNumberRow> {
  const { rows } = await sql.query<DialInNumberRow>(
    `UPDATE dial_in_numbers SET bridge_id = $2, type = $3, primary_language = $4, secondary_languages = $5, city = $6, country = $7, speech_input = $8
      WHERE number = $1 RETURNING ${COLUMNS}`,
    [number, n.bridgeId, n.type, n.primaryLanguage, n.secondaryLanguages, n.city, n.country, n.speechInput],
  );
  return rows[0]!;
}

export async function deleteNumber(sql: Sql, number: string): Promise<boolean> {
  const { rowCount } = await sql.query('DELETE FROM dial_in_numbers WHERE number = $1', [number]);
  return (rowCount ?? 0) > 0;
}

export async function listNumbers(sql: Sql, bridgeId?: string): Promise<DialInNumberRow[]> {
  const { rows } = bridgeId
    ? await sql.query<DialInNumberRow>(`SELECT ${COLUMNS} FROM dial_in_numbers WHERE bridge_id = $1 ORDER BY number`, [bridgeId])
    : await sql.query<DialInNumberRow>(`SELECT ${COLUMNS} FROM dial_in_numbers ORDER BY number LIMIT 10000`);
  return rows;
}

/** Every number, as the directory caches it (a rebuild). */
export async function allNumberEntries(sql: Sql): Promise<NumberRow[]> {
  const { rows } = await sql.query<NumberRow>('SELECT number, bridge_id, type, primary_language, secondary_languages, speech_input, version FROM dial_in_numbers');
  return rows;
}

export async function nextDirectoryVersion(sql: Sql): Promise<string> {
  const { rows } = await sql.query<{ v: string }>("SELECT nextval('directory_version')::text AS v");
  return rows[0]!.v;
}
