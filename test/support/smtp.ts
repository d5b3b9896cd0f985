// A real SMTP server (the smtp-server package) that tests start, stop, restart on the same
// port, make refuse connections (421, as a server in trouble does) or reject an address (550).
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Headers and bodies with quoted-printable and base64 parts undone, to search in. */
  text: string;
}

export class TestSmtp {
  readonly messages: ReceivedMail[] = [];
  refuse = false;
  readonly rejectAddresses = new Set<string>();
  port = 0;
  #server: SMTPServer | null = null;

  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (_session, cb) => {
        if (this.refuse) return cb(Object.assign(new Error('Service not available, try later'), { responseCode: 421 }));
        cb();
      },
      onRcptTo: (address, _session, cb) => {
        if (this.rejectAddresses.has(address.address.toLowerCase())) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            raw,
            text: decodeMime(raw),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.port = (server.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()));
  }

  async waitFor(address: string, pred: (m: ReceivedMail) => boolean = () => true, ms = 10_000): Promise<ReceivedMail> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.to(address).find(pred);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no mail to ${address} matched within ${ms} ms (got ${this.to(address).length})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function decodeMime(raw: string): string {
  let out = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const b64 = /Content-Transfer-Encoding:\s*base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/gi;
  for (const m of raw.matchAll(b64)) out += '\n' + Buffer.from(m[1]!.replace(/\s/g, ''), 'base64').toString('utf8');
  return out;
}

/** The digits appear as a whole number, not inside a longer one. */
export const hasWhole = (text: string, digits: string) => new RegExp(`(^|\\D)${digits}(\\D|$)`).test(text);
