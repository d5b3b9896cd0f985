// /healthz: the process is up. /readyz: the database and the cache both answer (503 naming
// what is down otherwise). /metrics (Prometheus) is in metrics.ts.
import { Router } from 'express';
import type { Services } from '../services.js';
import { withTimeout } from '../store/db.js';

export function healthRoutes(s: Services): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/readyz', async (_req, res) => {
    const [database, cache] = await Promise.all([
      s.db.ping(1000).then(() => 'up', () => 'down'),
      withTimeout(s.cache.ping(), 1000, 'cache ping').then(() => 'up', () => 'down'),
    ]);
    const ready = database === 'up' && cache === 'up';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { database, cache } });
  });
  return r;
}
