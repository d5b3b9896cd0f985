#!/usr/bin/env node
// The `attendant` command (see src/cli/attendant/). After `npm ci` it runs the TypeScript source
// through tsx, so no build step is needed; where tsx is not installed (npm ci --omit=dev) it
// runs the build in dist/ (npm run build).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let entry = path.join(root, 'dist', 'src', 'cli', 'attendant', 'main.js');
try {
  const { register } = await import('tsx/esm/api');
  register();
  entry = path.join(root, 'src', 'cli', 'attendant', 'main.ts');
} catch {
  if (!existsSync(entry)) {
    process.stderr.write('attendant: neither tsx (npm ci) nor a build (npm run build) is installed\n');
    process.exit(2);
  }
}
const { run } = await import(pathToFileURL(entry).href);
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
