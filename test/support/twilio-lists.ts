// twilio-node's own lists of what TwiML accepts (string-literal unions of VoiceResponse.d.ts,
// e.g. SayLanguage, SayVoice, GatherLanguage), read from the installed library.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export function twilioList(type: string): Set<string> {
  const file = createRequire(import.meta.url).resolve('twilio/lib/twiml/VoiceResponse.d.ts');
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.trim().startsWith(`type ${type} =`));
  if (!line) throw new Error(`no type ${type} in ${file}`);
  return new Set([...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
}
