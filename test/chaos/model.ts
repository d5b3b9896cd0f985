// What the harness knows of the directory, learnt only from admin answers, so that callers can
// aim at interesting IDs: current ones, ones being retired right now, ones retired recently.
// The checker never reads this: it works from the history alone.

export interface UserModel {
  id: string;
  tenant: 'static' | 'dynamic';
  /** The ID the last 2xx answer gave (a bulk reset may have changed it since). */
  currentId: string | null;
  enabled: boolean;
  /** An operation of the harness on this user is in flight: one at a time per user. */
  busy: boolean;
  meetings: MeetingModel[];
}

export interface MeetingModel {
  id: string;
  organizerId: string;
  conferenceId: string;
  expiresAtMs: number | null;
}

export class Model {
  readonly users = new Map<string, UserModel>();
  /** Retired IDs, most recent last (for callers who try an ID that just changed). */
  readonly retired: string[] = [];
  /** IDs whose retirement has been asked for and not yet answered. */
  readonly inflight = new Set<string>();
  /** Every ID ever handed out by an answer (so a random ID is really random). */
  readonly seen = new Set<string>();

  constructor(
    readonly bridgeId: string,
    readonly number: string,
    readonly staticTenantId: string,
    readonly dynamicTenantId: string,
  ) {}

  addUser(u: Omit<UserModel, 'busy' | 'meetings' | 'enabled'>): UserModel {
    const m: UserModel = { ...u, enabled: true, busy: false, meetings: [] };
    this.users.set(m.id, m);
    if (m.currentId) this.seen.add(m.currentId);
    return m;
  }

  addMeeting(m: MeetingModel): void {
    this.users.get(m.organizerId)?.meetings.push(m);
    this.seen.add(m.conferenceId);
  }

  retire(id: string | null | undefined): void {
    if (!id) return;
    this.seen.add(id);
    this.retired.push(id);
    this.inflight.delete(id);
  }

  /** Users of a tenant that are enabled and free for the next operation. */
  idle(tenant: 'static' | 'dynamic'): UserModel[] {
    return [...this.users.values()].filter((u) => u.tenant === tenant && u.enabled && !u.busy);
  }

  enabled(tenant: 'static' | 'dynamic'): UserModel[] {
    return [...this.users.values()].filter((u) => u.tenant === tenant && u.enabled);
  }

  /** IDs callers should find active right now, as far as the harness knows. */
  currentIds(nowMs: number): string[] {
    const ids: string[] = [];
    for (const u of this.users.values()) {
      if (!u.enabled) continue;
      if (u.currentId && !this.inflight.has(u.currentId)) ids.push(u.currentId);
      for (const m of u.meetings) if (m.expiresAtMs === null || m.expiresAtMs > nowMs + 2000) ids.push(m.conferenceId);
    }
    return ids;
  }

  /** Meeting IDs that expire during the run, around now. */
  expiringIds(nowMs: number, withinMs: number): string[] {
    const ids: string[] = [];
    for (const u of this.users.values()) {
      for (const m of u.meetings) if (m.expiresAtMs !== null && Math.abs(m.expiresAtMs - nowMs) < withinMs) ids.push(m.conferenceId);
    }
    return ids;
  }
}
