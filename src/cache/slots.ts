// Redis Cluster's key slot (CRC16 of the hash tag, mod 16384), as ioredis computes it.
import { createRequire } from 'node:module';

const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

export function slotOf(key: string): number {
  return calculateSlot(key);
}
