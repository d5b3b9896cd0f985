// Prometheus metrics (prom-client), one registry per process, served at /metrics. Label values
// come from small fixed sets (never a number, an ID or a CallSid), so series stay few.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout } from './lib/timeouts.js';

/** Pending outbox messages of one kind (store/outbox-claims.ts reads them). */
export interface OutboxDepth {
  kind: string;
  depth: number;
  /** Seconds since the oldest of them was queued. */
  age: number | null;
}

/** Why a caller was not admitted, or an entry did not count (the voice flow's vocabulary). */
export type EntryFailure = 'unknown' | 'retired' | 'expired' | 'malformed' | 'silence' | 'wrong_pin' | 'blocked' | 'busy' | 'pin_locked' | 'unavailable' | 'not_in_service';

export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'attendant_http_request_duration_seconds',
    help: 'HTTP request latency by route group and status class',
    labelNames: ['group', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly webhookDuration = new Histogram({
    name: 'attendant_voice_webhook_duration_seconds',
    help: 'Twilio webhook latency by route (Twilio gives up after 15 s)',
    labelNames: ['route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15],
    registers: [this.registry],
  });

  readonly joins = new Counter({
    name: 'attendant_voice_joins_total',
    help: 'Callers put into a conference, by role',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  readonly meetingDials = new Counter({
    name: 'attendant_voice_meeting_dials_total',
    help: 'Calls sent to a SIP meeting destination, by how the SIP leg ended (Twilio\'s DialCallStatus; "refused" when the service could not dial)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly jitsiRequests = new Counter({
    name: 'attendant_jitsi_requests_total',
    help: 'Requests to the public Jitsi endpoints, by endpoint and outcome ("ok", or the refusal\'s HTTP status)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly entryFailures = new Counter({
    name: 'attendant_voice_entry_failures_total',
    help: 'Failed entries and refused calls, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly bridgeAlarmEntries = new Counter({
    name: 'attendant_bridge_alarm_failed_entries_total',
    help: 'Failed ID entries answered while their bridge had an unusual failure rate (each slowed down)',
    registers: [this.registry],
  });

  readonly bridgeCeilingTrips = new Counter({
    name: 'attendant_bridge_failure_ceiling_trips_total',
    help: 'Times a bridge passed its ceiling of failed ID entries a minute (new calls to it then hear "busy"); alert on any increase',
    registers: [this.registry],
  });

  readonly leaderPinChecks = new Counter({
    name: 'attendant_leader_pin_checks_total',
    help: 'Leader PINs verified against their hash, by outcome (refused attempts are not verified)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly organizerPinLocks = new Counter({
    name: 'attendant_organizer_pin_locks_total',
    help: 'Organizers whose leader step was locked by wrong PINs from all numbers (the organizer is emailed)',
    registers: [this.registry],
  });

  readonly directoryLookups = new Counter({
    name: 'attendant_directory_lookups_total',
    help: 'Conference-ID lookups by result and by where the answer came from (source="database" after a cache miss or during a fallback)',
    labelNames: ['result', 'source'] as const,
    registers: [this.registry],
  });

  readonly directoryCacheWriteFailures = new Counter({
    name: 'attendant_directory_cache_write_failures_total',
    help: 'Cache writes that failed, before commit (the change was refused) or after (readers fill)',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly directoryRebuilds = new Counter({
    name: 'attendant_directory_rebuilds_total',
    help: 'Directory cache rebuilds by scope (bridge or numbers) and outcome (completed, skipped: another instance or a server change, failed)',
    labelNames: ['scope', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly directoryRebuildDuration = new Histogram({
    name: 'attendant_directory_rebuild_duration_seconds',
    help: 'Duration of completed directory cache rebuilds',
    labelNames: ['scope'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly conferenceIdChanges = new Counter({
    name: 'attendant_conference_id_changes_total',
    help: 'Conference IDs issued, reset, replaced and retired',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly leaderPinResets = new Counter({
    name: 'attendant_leader_pin_resets_total',
    help: 'Leader PINs reset by an admin',
    registers: [this.registry],
  });

  readonly outboxMessages = new Counter({
    name: 'attendant_outbox_messages_total',
    help: 'Outbox messages handled, by kind and outcome (sent, retry, dead, undeliverable)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookRetries = new Counter({
    name: 'attendant_voice_webhook_retries_total',
    help: 'Webhooks Twilio sent again for a call step already handled (answered with the first answer, nothing counted twice)',
    registers: [this.registry],
  });

  readonly reprompts = new Counter({
    name: 'attendant_voice_reprompts_total',
    help: 'ID prompts played again without an ID entered, by reason (language: the caller picked another language; silence)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly promptLimitReached = new Counter({
    name: 'attendant_voice_prompt_limit_total',
    help: 'Calls ended politely because the ID prompt was played as often as one call may hear it',
    registers: [this.registry],
  });

  readonly callsEnded = new Counter({
    name: 'attendant_calls_ended_total',
    help: 'Calls ended, by Twilio call status (from the number\'s status callback)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  constructor({ defaultMetrics = true } = {}) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A caller was put into a conference. */
  callerJoined(role: 'leader' | 'participant'): void {
    this.joins.inc({ role });
  }

  /** How the SIP leg of a call sent to a meeting destination ended. */
  meetingDialEnded(outcome: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled' | 'other' | 'refused'): void {
    this.meetingDials.inc({ outcome });
  }

  /** A caller's entry failed or a call was refused. */
  entryFailed(reason: EntryFailure): void {
    this.entryFailures.inc({ reason });
  }

  /**
   * Outbox depth and the age of its oldest pending message, read from PostgreSQL when scraped
   * (one query on the pending-rows index, with a deadline: a slow database must not hang a
   * scrape). On failure the gauges keep their last values and `up` says 0.
   */
  watchOutbox(readDepths: () => Promise<OutboxDepth[]>, timeoutMs = 500): void {
    // Gauges are collected concurrently; all three wait for the same query.
    let pending: Promise<void> | null = null;
    const read = (): Promise<void> => {
      pending ??= withTimeout(readDepths(), timeoutMs, 'outbox metrics').then(
        (rows) => {
          depth.reset();
          for (const r of rows) depth.set({ kind: r.kind }, r.depth);
          age.set(rows.reduce((max, r) => Math.max(max, r.age ?? 0), 0));
          up.set(1);
        },
        () => up.set(0),
      ).finally(() => {
        pending = null;
      });
      return pending;
    };
    const depth = new Gauge({
      name: 'attendant_outbox_pending',
      help: 'Messages waiting in the outbox, by kind',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect: read,
    });
    const age = new Gauge({
      name: 'attendant_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest message waiting in the outbox (0 when none)',
      registers: [this.registry],
      collect: read,
    });
    const up = new Gauge({
      name: 'attendant_outbox_metrics_up',
      help: '1 when the last outbox read for these metrics succeeded',
      registers: [this.registry],
      collect: read,
    });
  }
}
