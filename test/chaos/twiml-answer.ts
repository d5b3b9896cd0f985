// What a TwiML answer means for the caller, read as Twilio would run it (src/voice/flow.ts and
// steps/): a <Dial><Conference> admits; so does the organizer step (a <Gather> posting to
// /voice/leader, or the PIN prompt posting to /voice/pin), which the service only offers after a
// valid ID. Everything else is recognised by the prompts it speaks, taken from the catalogue the
// service itself uses, so a reworded prompt cannot silently change the classification.
import { PROMPT_KEYS, promptCatalogue, type PromptKey } from '../../src/domain/prompts.js';
import { parseTwiml, type TwimlNode } from '../../src/simulator/twiml-reader.js';
import type { Answer } from './history.js';

const prompts = promptCatalogue().language('en-US').prompts;
// Longest first, so that a prompt contained in a longer one is not also reported.
const KEYS = [...PROMPT_KEYS].filter((k) => prompts[k] && !prompts[k].includes('{')).sort((a, b) => prompts[b].length - prompts[a].length);

export interface ReadAnswer {
  answer: Answer;
  heard: PromptKey[];
  /** The public URL of the pending <Gather>'s action, when there is one. */
  gatherAction?: string;
}

function walk(node: TwimlNode, visit: (n: TwimlNode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

/** Which catalogue prompts a spoken text is made of. */
export function heardIn(text: string): PromptKey[] {
  const found: PromptKey[] = [];
  let rest = text;
  for (const k of KEYS) {
    const at = rest.indexOf(prompts[k]);
    if (at >= 0) {
      found.push(k);
      rest = rest.slice(0, at) + rest.slice(at + prompts[k].length);
    }
  }
  return found;
}

export function readAnswer(body: string): ReadAnswer {
  let root: TwimlNode;
  try {
    root = parseTwiml(body);
  } catch {
    return { answer: 'unreadable', heard: [] };
  }
  const heard: PromptKey[] = [];
  let dial = false;
  let gatherAction: string | undefined;
  walk(root, (n) => {
    if (n.name === 'Say') heard.push(...heardIn(n.text));
    if (n.name === 'Dial' && n.children.some((c) => c.name === 'Conference')) dial = true;
    if (n.name === 'Gather' && gatherAction === undefined) gatherAction = n.attrs.action ?? '';
  });
  const step = gatherAction ? new URL(gatherAction).pathname.replace(/^.*(\/voice\/[a-z-]+)$/, '$1') : undefined;
  const out = (answer: Answer): ReadAnswer => ({ answer, heard, ...(gatherAction ? { gatherAction } : {}) });
  if (dial || step === '/voice/leader' || step === '/voice/pin') return out('admitted');
  if (heard.includes('apology')) return out('apology');
  if (heard.includes('notInService')) return out('not-in-service');
  if (heard.includes('callerBlocked') || heard.includes('bridgeBusy')) return out('blocked');
  if (heard.includes('cannotCheck')) return out('unavailable');
  if (heard.some((k) => k === 'retiredId' || k === 'unknownId' || k === 'noEntry' || k === 'tooManyAttempts')) return out('refused');
  if (step === '/voice/entry') return out('prompt');
  return out('unreadable');
}
