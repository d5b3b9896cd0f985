// Input files of the CLI: CSV with a header line, or JSON (an array of objects, or an object
// holding that array under a named key). "-" reads standard input. Empty CSV cells count as
// absent. Anything malformed is a usage error (exit 2) before a single request is made.
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { usageError } from './exit.js';

export interface FileRecord {
  /** Where the record is, for messages: "line 4" (CSV) or "item 3" (JSON). */
  where: string;
  values: Record<string, unknown>;
}

export function readRecords(file: string, listKey: string): FileRecord[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const json = /\.json$/i.test(file) || (!/\.csv$/i.test(file) && /^\s*[[{]/.test(text));
  return json ? fromJson(file, text, listKey) : fromCsv(file, text);
}

function fromJson(file: string, text: string, listKey: string): FileRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw usageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as Record<string, unknown> | null)?.[listKey];
  if (!Array.isArray(list)) throw usageError(`${file}: expected a JSON array, or an object with a "${listKey}" array`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw usageError(`${file}: item ${i + 1} is not an object`);
    return { where: `item ${i + 1}`, values: item as Record<string, unknown> };
  });
}

function fromCsv(file: string, text: string): FileRecord[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      columns: true, bom: true, trim: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, info: true,
    }) as unknown as typeof rows;
  } catch (err) {
    throw usageError(`${file} is not valid CSV: ${(err as Error).message}`);
  }
  return rows.map(({ record, info }) => ({
    where: `line ${info.lines}`,
    values: Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '')),
  }));
}

/** Refuses unknown fields (a misspelt column would otherwise be ignored) and missing ones. */
export function checkFields(file: string, records: FileRecord[], known: readonly string[], required: readonly string[]): void {
  for (const r of records) {
    const unknown = Object.keys(r.values).filter((k) => !known.includes(k));
    if (unknown.length) throw usageError(`${file} ${r.where}: unknown field ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${known.join(', ')})`);
    const missing = required.filter((k) => r.values[k] === undefined || r.values[k] === null);
    if (missing.length) throw usageError(`${file} ${r.where}: ${missing.join(', ')} required`);
  }
}

/** yes/no, true/false, 1/0 (CSV) or a JSON boolean; undefined when absent. */
export function readFlag(file: string, r: FileRecord, field: string): boolean | undefined {
  const v = r.values[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(s)) return true;
  if (['no', 'n', 'false', '0'].includes(s)) return false;
  throw usageError(`${file} ${r.where}: ${field} must be yes or no, not "${String(v)}"`);
}

/** A list given as a JSON array or as a CSV cell separated by ";" or spaces. */
export function readList(r: FileRecord, field: string): unknown {
  const v = r.values[field];
  if (typeof v === 'string') return v.split(/[;\s]+/).filter(Boolean);
  return v;
}
