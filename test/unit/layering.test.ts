// The layout is the architecture (docs/architecture.md): each folder of src/ has a layer, and a
// module imports only from its own folder or from lower layers, never sideways into another
// folder of its layer, never upwards. And SQL lives only in src/store/ (and migrations/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Lowest first. Top-level files are named with their extension; folders without. */
const LAYERS: string[][] = [
  ['lib'],
  ['config.ts', 'errors.ts', 'logging.ts', 'metrics.ts'],
  ['domain'],
  ['store', 'cache'],
  ['directory'],
  ['services.ts', 'twilio'],
  ['outbox', 'http', 'wiring.ts'],
  ['email'],
  ['meetings'],
  ['commands'],
  ['jobs'],
  ['admin', 'voice', 'jitsi', 'console', 'development', 'simulator'],
  ['cli'],
  ['app.ts', 'lifecycle.ts', 'main.ts', 'worker.ts', 'worker-main.ts'],
];

const layerOf = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank] as const)));

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The top-level entry of src/ a file belongs to: its folder, or the file itself. */
const unitOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

describe('the layers of src/', () => {
  const files = sourceFiles();

  it('name every top-level folder and file', () => {
    const unplaced = [...new Set(files.map(unitOf))].filter((u) => !layerOf.has(u));
    expect(unplaced, 'give each a layer in this test and a line in docs/architecture.md').toEqual([]);
  });

  it('are only ever imported downwards, or within a folder', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        // files at the top of src/ (not in a folder) may also use the ones beside them in their layer
        const besides = to.endsWith('.ts') && from.endsWith('.ts') && layerOf.get(to) === layerOf.get(from);
        if (!besides && layerOf.get(to)! >= layerOf.get(from)!) wrong.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keep SQL in src/store/', () => {
    const sql = /\b(SELECT\b[^'`]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[a-z_]+\s+(?:[a-z]+\s+)?SET\b|DELETE\s+FROM\b)|\.query\s*[<(]/;
    const outside = files.filter((f) => unitOf(f) !== 'store' && sql.test(readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')));
    expect(outside.map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it('the checks above can fail', () => {
    expect(layerOf.get('store')! < layerOf.get('directory')!).toBe(true);
    expect(/\.query\s*[<(]/.test("await tx.query('SELECT 1')")).toBe(true);
  });
});
