// Files shipped beside the code (the console's HTML and compiled scripts), found from the
// project root whether the service runs from src/ (tsx) or from dist/src/ (npm start).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the running code');
    dir = up;
  }
  return (root = dir);
}

/** A file's contents, read once and kept (the files are small and never change while running). */
export function cachedFile(relativePath: string): () => Promise<Buffer | null> {
  let cached: Buffer | null = null;
  return async () => {
    if (cached) return cached;
    try {
      cached = await readFile(path.join(projectRoot(), relativePath));
    } catch {
      return null;
    }
    return cached;
  };
}
