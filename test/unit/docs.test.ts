// The documentation in the repository keeps up with the code: docs/api.md is what the endpoint
// declarations write (test/docs/api-md.test.ts runs its curl examples), every configuration variable, metric and request-log field has its row,
// links resolve, and nothing points outside the clone.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { renderApiMarkdown } from '../../src/admin/openapi/markdown.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function markdownFiles(dir = 'docs'): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return markdownFiles(rel);
    return name.endsWith('.md') ? [rel] : [];
  });
}
const DOCS = ['README.md', ...markdownFiles()];

/** The table row of `name` (first cell) in a Markdown text, or undefined. */
const rowOf = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));

describe('docs/api.md', () => {
  it('is what `npm run docs:api` writes from the endpoint declarations', () => {
    expect(read('docs/api.md') === renderApiMarkdown(ENDPOINTS), 'docs/api.md is stale: run `npm run docs:api`').toBe(true);
  });

  it('has an example for every endpoint whose request is more than its path', () => {
    // an endpoint that takes a body or a query must say what a good one is: its curl example sends
    // it (an endpoint whose request is its path alone is shown with the documentation's ids)
    const missing = ENDPOINTS.filter((e) => (e.body || e.query) && !e.example).map((e) => `${e.method} ${e.path}`);
    expect(missing, 'add `example: (x) => ({ body: ..., query: ... })` to these endpoint declarations').toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  const source = read('src/config.ts');
  const schema = source.slice(source.indexOf('const envSchema = z.object({'), source.indexOf('});', source.indexOf('const envSchema')));
  const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):(.*)$/gm)].map((m) => ({ name: m[1]!, line: m[2]! }));
  const doc = read('docs/configuration.md');

  it('has a row for every variable src/config.ts parses', () => {
    expect(variables.length).toBeGreaterThan(30);
    const missing = variables.filter((v) => !rowOf(doc, v.name)).map((v) => v.name);
    expect(missing, 'document these in docs/configuration.md (default in development, production rule, meaning)').toEqual([]);
  });

  it('gives each literal default as the code does', () => {
    const wrong: string[] = [];
    for (const v of variables) {
      const m = /\.default\(('([^']*)'|[0-9_]+)\)/.exec(v.line);
      if (!m) continue;
      const value = m[2] ?? m[1]!.replace(/_/g, '');
      const row = rowOf(doc, v.name);
      if (row && !row.split('|')[2]!.includes(`\`${value}\``)) wrong.push(`${v.name}: the code says ${value}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  const doc = read('docs/operations.md');

  it('has a row for every metric of src/metrics.ts', () => {
    const names = [...read('src/metrics.ts').matchAll(/name: '(attendant_[a-z0-9_]+)'/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((n) => !rowOf(doc, n)), 'add these to the metrics table of docs/operations.md').toEqual([]);
  });

  it('has a row for every field of the request log line', () => {
    const source = read('src/logging.ts');
    const body = /export interface RequestLogLine \{([\s\S]*?)\n\}/.exec(source)![1]!;
    const fields = [...body.matchAll(/^ {2}([a-zA-Z]+)\??:/gm)].map((m) => m[1]!);
    expect(fields).toEqual(expect.arrayContaining(['method', 'path', 'status', 'ms']));
    expect(fields.filter((f) => !rowOf(doc, f))).toEqual([]);
  });
});

describe('README.md and docs/', () => {
  it('never point outside the clone (../shared)', () => {
    const outside = DOCS.filter((f) => /\.\.\/shared/.test(read(f)));
    expect(outside).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = read(file).replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const resolved = path.normalize(path.join(path.dirname(file), target));
        if (!existsSync(path.join(ROOT, resolved))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('keep the README a front door (under 250 lines, linking into docs/)', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(250);
    for (const doc of ['api', 'configuration', 'operations', 'security', 'webhooks', 'architecture', 'console', 'jitsi', 'cli']) {
      expect(readme, doc).toContain(`(docs/${doc}.md`);
    }
  });
});
