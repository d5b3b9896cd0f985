// Prometheus metrics (prom-client), one registry per process, served at /metrics.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'attendant_http_request_duration_seconds',
    help: 'HTTP request latency by route group and status class',
    labelNames: ['group', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly directoryLookups = new Counter({
    name: 'attendant_directory_lookups_total',
    help: 'Conference-ID lookups by result and by where the answer came from',
    labelNames: ['result', 'source'] as const,
    registers: [this.registry],
  });

  readonly directoryCacheWriteFailures = new Counter({
    name: 'attendant_directory_cache_write_failures_total',
    help: 'Cache writes that failed, before commit (the change was refused) or after (readers fill)',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly conferenceIdChanges = new Counter({
    name: 'attendant_conference_id_changes_total',
    help: 'Conference IDs issued, reset, replaced and retired',
    labelNames: ['action'] as const,
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
}
