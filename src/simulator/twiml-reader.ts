// Reads TwiML the way Twilio does: a strict XML parse (a malformed document is refused, which a
// caller hears as an application error), then verbs as nodes.

export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  children: TwimlNode[];
  text: string;
}

export class TwimlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwimlError';
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /[A-Za-z_][\w.-]*/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

function decode(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new TwimlError('a bare & in text');
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    const c = ENTITIES[ref];
    if (c === undefined) throw new TwimlError(`unknown entity ${whole}`);
    return c;
  });
}

/** Parses a document; returns its root element. */
export function parseXml(source: string): TwimlNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new TwimlError(`${what} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<?', i)) i = after('?>');
      else if (source.startsWith('<!--', i)) i = after('-->');
      else return;
    }
  };
  const after = (end: string) => {
    const at = source.indexOf(end, i);
    if (at < 0) fail(`no closing ${end}`);
    return at + end.length;
  };
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(source);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const element = (): TwimlNode => {
    if (source[i] !== '<') fail('expected <');
    i++;
    const node: TwimlNode = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      ATTRIBUTE.lastIndex = i;
      const a = ATTRIBUTE.exec(source);
      if (!a) fail('bad attribute');
      if (a![1]! in node.attrs) fail(`attribute ${a![1]} twice`);
      node.attrs[a![1]!] = decode(a![2] ?? a![3] ?? '');
      i += a![0].length;
    }
    for (;;) {
      if (i >= source.length) fail(`<${node.name}> is not closed`);
      if (source.startsWith('<!--', i)) i = after('-->');
      else if (source.startsWith('<![CDATA[', i)) {
        const end = source.indexOf(']]>', i);
        if (end < 0) fail('CDATA is not closed');
        node.text += source.slice(i + 9, end);
        i = end + 3;
      } else if (source.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`</...> does not close <${node.name}>`);
        skipSpace();
        if (source[i] !== '>') fail('expected >');
        i++;
        node.text = node.text.trim();
        return node;
      } else if (source[i] === '<') node.children.push(element());
      else {
        const next = source.indexOf('<', i);
        if (next < 0) fail('text runs to the end');
        node.text += decode(source.slice(i, next));
        i = next;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== source.length) fail('content after the root element');
  return root;
}

export function parseTwiml(source: string): TwimlNode {
  const root = parseXml(source);
  if (root.name !== 'Response') throw new TwimlError(`the root is <${root.name}>, not <Response>`);
  return root;
}
