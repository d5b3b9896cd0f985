// Twilio's conference rooms, as far as the service can see them: who is in which room, whether
// the room has started, and the status callbacks <Conference statusCallback> asks for
// (conference-start when a participant with startConferenceOnEnter="true" is in, conference-end
// when the last one leaves a started room, participant-join and participant-leave).
import { newSid, type Webhooks } from './twilio.js';

export interface ConferenceEvent {
  room: string;
  event: string;
  callSid?: string;
  status: number;
}

interface Room {
  sid: string;
  started: boolean;
  participants: Map<string, { startOnEnter: boolean }>;
  callback: string | null;
  events: Set<string>;
  sequence: number;
}

export class Conferences {
  readonly #rooms = new Map<string, Room>();
  /** Every callback posted, with the service's answer, in order. */
  readonly sent: ConferenceEvent[] = [];

  constructor(private readonly webhooks: Webhooks, private readonly accountSid = newSid('AC')) {}

  isStarted(room: string): boolean {
    return this.#rooms.get(room)?.started ?? false;
  }

  participants(room: string): string[] {
    return [...(this.#rooms.get(room)?.participants.keys() ?? [])];
  }

  async join(room: string, callSid: string, attrs: Record<string, string>): Promise<void> {
    let r = this.#rooms.get(room);
    if (!r) {
      r = { sid: newSid('CF'), started: false, participants: new Map(), callback: null, events: new Set(), sequence: 0 };
      this.#rooms.set(room, r);
    }
    if (attrs.statusCallback) {
      r.callback = attrs.statusCallback;
      r.events = new Set((attrs.statusCallbackEvent ?? '').split(/[\s,]+/).filter(Boolean));
    }
    const max = Number(attrs.maxParticipants ?? 250);
    if (r.participants.size >= max) throw new Error(`room ${room} is full (${max})`);
    const startOnEnter = (attrs.startConferenceOnEnter ?? 'true') === 'true';
    r.participants.set(callSid, { startOnEnter });
    await this.#notify(room, r, 'join', 'participant-join', callSid);
    if (!r.started && startOnEnter) {
      r.started = true;
      await this.#notify(room, r, 'start', 'conference-start');
    }
  }

  async leave(room: string, callSid: string): Promise<void> {
    const r = this.#rooms.get(room);
    if (!r || !r.participants.delete(callSid)) return;
    await this.#notify(room, r, 'leave', 'participant-leave', callSid);
    if (r.participants.size === 0) {
      if (r.started) await this.#notify(room, r, 'end', 'conference-end');
      this.#rooms.delete(room);
    }
  }

  async #notify(room: string, r: Room, short: string, event: string, callSid?: string): Promise<void> {
    if (!r.callback || !r.events.has(short)) return;
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ConferenceSid: r.sid,
      FriendlyName: room,
      StatusCallbackEvent: event,
      SequenceNumber: String(++r.sequence),
      Timestamp: new Date().toUTCString(),
    };
    if (callSid) Object.assign(params, { CallSid: callSid, Muted: 'false', Hold: 'false' });
    const answer = await this.webhooks.send(r.callback, params);
    this.sent.push({ room, event, callSid, status: answer.status });
  }
}
