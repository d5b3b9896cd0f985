// Every `attendant` help text starts with a Usage: line (top level, each group, each command,
// walked from the command table so that a new command cannot skip it); --version; and --json
// gives exactly one JSON document on stdout for every command, even when it fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/attendant/commands.js';
import { cli, spawnCli } from '../support/cli.js';
import { freePort } from '../support/private-services.js';

const VERSION = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')).version;
const commands = Object.entries(COMMANDS).flatMap(([group, subs]) => Object.keys(subs).map((sub) => [group, sub] as const));

describe('help', () => {
  it('covers the commands scripts need', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(expect.arrayContaining([
      'users list', 'users get', 'users create', 'users disable', 'users reset-id', 'users set-id', 'users reset-pin', 'users send-info',
      'tenants list', 'tenants create', 'bridges list', 'bridges create', 'keys list', 'keys create', 'keys revoke',
    ]));
  });

  it.each(commands)('attendant %s %s --help starts with its Usage: line and exits 0, with no service configured', async (group, sub) => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([group, sub, flag], { url: undefined, key: '' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`Usage: attendant ${COMMANDS[group]![sub]!.usage} [--json]`);
      expect(r.stdout).toContain('Exit codes:');
      expect(r.stderr).toBe('');
    }
  });

  it.each(Object.keys(COMMANDS))('attendant %s --help lists its commands under a Usage: line', async (group) => {
    const r = await cli([group, '--help'], { url: undefined, key: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: attendant ${group} \\(`));
    for (const c of Object.values(COMMANDS[group]!)) expect(r.stdout).toContain(c.usage);
  });

  it('attendant --help names every command; attendant alone prints it on stderr and exits 2', async () => {
    const r = await cli(['--help'], { url: undefined, key: '' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Usage: attendant COMMAND [options]');
    for (const [group, sub] of commands) expect(r.stdout).toContain(`  ${group} ${sub}`);
    const bare = await cli([], { url: undefined, key: '' });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: attendant/);
    expect(bare.stdout).toBe('');
  });

  it('as a process too', async () => {
    const top = await spawnCli(['--help'], {});
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: attendant COMMAND/);
    const one = await spawnCli(['keys', 'revoke', '--help'], {});
    expect(one.stdout).toMatch(/^Usage: attendant keys revoke KEY_ID\.\.\./);
  });
});

describe('--version', () => {
  it('prints the package version, or one JSON document', async () => {
    const r = await spawnCli(['--version'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`attendant ${VERSION}\n`);
    const json = await cli(['--version', '--json'], { url: undefined, key: '' });
    expect(json.json).toEqual({ version: VERSION });
  });
});

describe('--json', () => {
  it.each(commands)('attendant %s %s --json prints one JSON document even when it fails', async (group, sub) => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing listens: usage errors (2) or unreachable (3)
    const r = await cli([group, sub, '--json', '--retries', '0'], { url, key: 'k' });
    expect([2, 3]).toContain(r.code);
    expect(r.json).toEqual({ error: expect.any(String), exitCode: r.code });
    const placed = await cli(['--json', group, sub, '--retries', '0'], { url, key: 'k' }); // anywhere on the line
    expect(placed.json.exitCode).toBe(placed.code);
  });

  it('a missing URL or key is a usage error (2) with its JSON document', async () => {
    const r = await cli(['tenants', 'list', '--json'], { url: undefined, key: '' });
    expect(r.code).toBe(2);
    expect(r.json).toEqual({ error: expect.stringMatching(/ATTENDANT_URL/), exitCode: 2 });
  });
});
