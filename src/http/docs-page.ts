// /docs: the OpenAPI document rendered as one self-contained HTML page on the server (no script,
// no CDN): operations by tag, with their parameters, bodies and answers. Every string from the
// document is escaped.
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The little markdown the descriptions use: `code` and **bold**. */
const md = (v: unknown) => esc(v).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

export const DOCS_STYLE = `
body{font-family:system-ui,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.3rem}
main{max-width:64rem;margin:0 auto;padding:1rem 2rem}nav a{margin-right:1rem}
section.op{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.5rem;font-weight:bold;text-transform:uppercase;font-family:ui-monospace,monospace}
.get{color:#1b7f3b}.post{color:#2d5bd7}.put,.patch{color:#a15c00}.delete{color:#b3261e}
.path{font-family:ui-monospace,monospace}table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{text-align:left;border-bottom:1px solid #eceff3;padding:.25rem .5rem;vertical-align:top}
code,.type{font-family:ui-monospace,monospace;font-size:.85rem}.muted{color:#5b6475}
details{margin:.25rem 0}pre{background:#f0f2f5;padding:.5rem;overflow:auto;font-size:.8rem}`;

export const DOCS_STYLE_HASH = `'sha256-${createHash('sha256').update(DOCS_STYLE).digest('base64')}'`;

function typeOf(schema: Json | undefined, components: Json): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map((s) => typeOf(s, components)).join(' | ');
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
  if ('const' in schema) return `<code>${esc(JSON.stringify(schema.const))}</code>`;
  const t = Array.isArray(schema.type) ? (schema.type as string[]).join(' | ') : String(schema.type ?? 'any');
  if (t === 'array') return `${typeOf(schema.items as Json | undefined, components)}[]`;
  if (t === 'object' && schema.properties) return 'object';
  return esc(schema.format ? `${t} (${schema.format})` : t);
}

function constraints(schema: Json): string {
  const out: string[] = [];
  for (const k of ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'pattern']) if (k in schema) out.push(`${k} ${esc(schema[k])}`);
  if ('default' in schema) out.push(`default <code>${esc(JSON.stringify(schema.default))}</code>`);
  if (schema.description) out.push(md(schema.description));
  return out.join('; ');
}

function fields(schema: Json | undefined, components: Json): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return `<p>${typeOf(schema, components)}</p>`;
  const props = schema.properties as Record<string, Json> | undefined;
  if (!props) return `<p class="type">${typeOf(schema, components)}</p>`;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, p]) =>
    `<tr><td><code>${esc(name)}</code>${required.has(name) ? '' : ' <span class="muted">optional</span>'}</td><td class="type">${typeOf(p, components)}</td><td>${constraints(p)}</td></tr>`
    + (p.properties ? `<tr><td></td><td colspan="2">${fields(p, components)}</td></tr>` : '')
    + ((p.items as Json | undefined)?.properties ? `<tr><td></td><td colspan="2">${fields(p.items as Json, components)}</td></tr>` : ''));
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operation(method: string, path: string, op: Json, components: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {}).map(([status, r]) => {
    const content = Object.entries((r.content as Record<string, Json> | undefined) ?? {})[0];
    return `<tr><td>${esc(status)}</td><td>${md(r.description)}</td><td class="type">${content ? `${esc(content[0])} ${typeOf(content[1].schema as Json, components)}` : ''}</td></tr>`;
  });
  return `<section class="op" id="${esc(op.operationId ?? `${method}-${path}`)}">
<h3><span class="method ${esc(method)}">${esc(method)}</span> <span class="path">${esc(path)}</span></h3>
<p><strong>${esc(op.summary)}</strong></p>${op.description ? `<p>${md(op.description).replace(/\n\n/g, '</p><p>')}</p>` : ''}
${params.length ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr></thead><tbody>${params.map((p) =>
    `<tr><td><code>${esc(p.name)}</code>${p.required ? '' : ' <span class="muted">optional</span>'}</td><td>${esc(p.in)}</td><td class="type">${typeOf(p.schema as Json, components)}</td><td>${md(p.description ?? '')} ${constraints((p.schema as Json) ?? {})}</td></tr>`).join('')}</tbody></table>` : ''}
${body ? `<h4>Body (application/json)</h4>${fields(body.schema as Json, components)}` : ''}
<h4>Answers</h4><table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${responses.join('')}</tbody></table>
</section>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const components = ((doc.components as Json | undefined)?.schemas as Json | undefined) ?? {};
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op.tags as string[] | undefined) ?? ['Other'])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op, components)]);
    }
  }
  const tags = [...byTag.keys()];
  const schemas = Object.entries(components).map(([name, s]) =>
    `<section class="op" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${fields(s as Json, components)}</section>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)}</title><style>${DOCS_STYLE}</style></head><body>
<header><h1>${esc(info.title)} <span class="muted">${esc(info.version)}</span></h1></header><main>
<p>${md(info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). Every call needs <code>Authorization: Bearer &lt;API key&gt;</code>.</p>
<nav>${tags.map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join('')}<a href="#schemas">Schemas</a></nav>
${tags.map((t) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${byTag.get(t)!.join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>${schemas.join('\n')}
</main></body></html>`;
}
