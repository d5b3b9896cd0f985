// Escaping and a plain layout for HTML mail. Every value that reaches HTML goes through esc().

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A tagged template whose interpolations are escaped, except values already wrapped by raw(). */
export interface Html { readonly __html: string }
export const raw = (html: string): Html => ({ __html: html });

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, k) => {
    const part = Array.isArray(v) ? v.map(piece).join('') : piece(v);
    out += part + strings[k + 1]!;
  });
  return raw(out);
}

function piece(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (typeof v === 'object' && '__html' in (v as object)) return (v as Html).__html;
  return esc(String(v));
}

export function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">
${body}
<p style="color: #777; font-size: 12px;">This message was sent by the conference service. Do not reply to it.</p>
</body></html>`.__html;
}
