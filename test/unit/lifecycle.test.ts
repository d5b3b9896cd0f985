import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/lifecycle.js';

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('Lifecycle', () => {
  it('stops parts last-registered first, each after the one before has finished', async () => {
    const { log } = recordingLogger();
    const life = new Lifecycle(log);
    const order: string[] = [];
    life.register('pool', () => { order.push('pool'); });
    life.register('worker', { stop: async () => { await new Promise((r) => setTimeout(r, 50)); order.push('worker'); } });
    life.register('scheduler', async () => { order.push('scheduler'); });
    await life.stopAll();
    expect(order).toEqual(['scheduler', 'worker', 'pool']);
    expect(life.stopping).toBe(true);
  });

  it('goes on past a part that overruns its deadline or fails, and says so', async () => {
    const { log, lines } = recordingLogger();
    const life = new Lifecycle(log);
    const order: string[] = [];
    life.register('pool', () => { order.push('pool'); });
    life.register('broken', () => { throw new Error('boom'); });
    life.register('stuck', () => new Promise<void>(() => undefined));
    const started = Date.now();
    await life.stopAll(100);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(order).toEqual(['pool']);
    expect(lines.find((l) => l.part === 'stuck')?.msg).toMatch(/did not stop in time/);
    expect(lines.find((l) => l.part === 'broken')?.msg).toMatch(/failed to stop/);
  });

  it('stops at once a part registered while stopping', async () => {
    const { log } = recordingLogger();
    const life = new Lifecycle(log);
    await life.stopAll();
    let stopped = false;
    life.register('late worker', () => { stopped = true; });
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(true);
  });
});
