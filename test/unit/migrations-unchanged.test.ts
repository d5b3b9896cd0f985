// Migrations are never edited once they have landed: a database that applied a file refuses to
// start with a different one (store/migrate.ts), so a change is always a new numbered file. This
// table holds the checksum of every migration that has landed; add a line for a new file, and
// never change a line.
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/store/migrate.js';

const LANDED: Record<string, string> = {
  '0001_initial.sql': 'b8bdc3b349b98b674df5cb4f7d74507c964b97f97de8bbb4002d886973689f17',
  '0005_outbox_worker.sql': 'e5b466b8ee87f6004efeedea0894b94c8e38900ae5623f2aacdf7085fa5d53c5',
  '0006_speech_input.sql': 'ec0e7129b70cdd1f5c75b1d856510ebe2e92f13f6173b1a5fa4b70beb5b964e3',
  '0009_destinations_and_jitsi.sql': 'f34f18926e9db667a7e398f1a2698091940545205ff97bd75c724e9215617f59',
  '0010_search_indexes.sql': '13b95bd819bb112186a0c7fb4b79b4282067e3f3b9c73843e1f860eb2afa0b6b',
  '0011_tenant_quotas.sql': '129a58452c48d9dc0023e4bdde8a29ff363cae5101d10372cec6decadb9efedb',
  '0014_audit_by_target.sql': 'b529d851f574766b46792281ac2f63d101f7a60b5d4e11c7b05d9d724a009215',
  '0015_search_in_name_order.sql': 'be724717bf4de00eb323cec344896b1c4f1b30f72b0993253369e78bdb60600e',
};

describe('migrations/', () => {
  it('holds every landed migration unchanged (a change is a new numbered file)', async () => {
    const files = new Map((await readMigrations()).map((f) => [f.name, f.checksum]));
    for (const [name, checksum] of Object.entries(LANDED)) {
      expect(files.get(name), `${name} was removed or edited after it landed; restore it and add a new migration instead`).toBe(checksum);
    }
  });

  it('has a checksum here for every file, so the next edit is caught too', async () => {
    const unrecorded = (await readMigrations()).filter((f) => !(f.name in LANDED)).map((f) => `'${f.name}': '${f.checksum}',`);
    expect(unrecorded, 'add these lines to LANDED in this test').toEqual([]);
  });
});
