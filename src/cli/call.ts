// `npm run call -- [number]`: a phone call in the terminal, with Twilio played by the simulator.
// It prints what the caller hears and reads keys from the keyboard (digits, * and #; an empty
// line is silence; q hangs up).
//
//   --url URL              where the service listens    (ATTENDANT_URL, default http://localhost:$PORT or :3000)
//   --public-base-url URL  the service's PUBLIC_BASE_URL (PUBLIC_BASE_URL, default: --url)
//   --token TOKEN          the service's auth token      (TWILIO_AUTH_TOKEN, default: the development
//                          default a service started without TWILIO_AUTH_TOKEN uses)
//   --from NUMBER          the caller ID                 (default: a random +1555 number)
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEV_TWILIO_AUTH_TOKEN } from '../config.js';
import { ServiceUnreachableError, SimulatedCall, type Heard } from '../simulator/index.js';

const HELP = `usage: npm run call -- [number] [--from NUMBER] [--url URL] [--public-base-url URL] [--token TOKEN]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'public-base-url': { type: 'string' },
      token: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const serviceUrl = values.url ?? process.env.ATTENDANT_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const publicBaseUrl = values['public-base-url'] ?? process.env.PUBLIC_BASE_URL ?? serviceUrl;
  const authToken = values.token ?? process.env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN;

  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | null> => {
    process.stdout.write(prompt);
    const next = await lines.next();
    return next.done ? null : next.value.trim();
  };

  try {
    const to = positionals[0] ?? (await ask('number to dial (E.164): '));
    if (!to) {
      console.log(HELP);
      return 2;
    }
    const call = new SimulatedCall({ serviceUrl, publicBaseUrl, authToken, to, from: values.from });
    console.log(`calling ${to} from ${call.from} (service ${serviceUrl}, PUBLIC_BASE_URL ${publicBaseUrl})`);
    let seen = 0;
    const show = () => {
      for (const h of call.heard.slice(seen)) console.log(describe(h));
      seen = call.heard.length;
    };
    await call.dial();
    show();
    while (call.state === 'gathering') {
      const keys = await ask('keys> ');
      if (keys === null || keys === 'q') {
        await call.hangup();
        console.log('you hung up');
        return 0;
      }
      if (keys !== '' && !/^[0-9*#]+$/.test(keys)) {
        console.log('  (only 0-9, * and #; an empty line is silence; q hangs up)');
        continue;
      }
      if (keys === '') await call.silence();
      else await call.press(keys);
      show();
    }
    if (call.state === 'conference') {
      const { room, attrs } = call.conference!;
      const details = ['startConferenceOnEnter', 'beep', 'maxParticipants', 'waitUrl'].filter((k) => attrs[k] !== undefined).map((k) => `${k}=${attrs[k]}`);
      console.log(`in conference ${room} (${details.join(', ')})`);
      await ask('press Enter to hang up ');
      await call.hangup();
      console.log('you hung up');
    } else if (call.state === 'sip') {
      const { uri, headers } = call.sip!;
      console.log(`put through to ${uri.split('?')[0]} (${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
      await ask('press Enter to hang up ');
      await call.hangup();
      console.log('you hung up');
    } else {
      console.log('the service hung up');
    }
    return 0;
  } finally {
    rl.close();
  }
}

function describe(h: Heard): string {
  return h.verb === 'Play' ? `  ♪ ${h.text}` : `  [${h.language ?? '?'}] ${h.text}`;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    if (err instanceof ServiceUnreachableError) {
      // the usual first-run mistake: the service is not started (or listens elsewhere)
      console.error(`call failed: nothing answered at ${new URL(err.url).origin} (${err.reason}). Is the service running? Start it with \`npm start\` in another terminal, or pass --url URL (ATTENDANT_URL) if it listens elsewhere.`);
    } else {
      console.error(`call failed: ${err.message}`);
    }
    process.exit(1);
  },
);
