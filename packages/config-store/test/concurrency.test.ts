/**
 * Many `mp` processes at once: separate OS processes write the same
 * config.toml through the built package, and no update may be lost.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseToml } from '../src/index';
import { tempHome } from './helpers';

const worker = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'worker.mjs');

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('concurrent writers', () => {
  it('50 processes each add a distinct target: all 50 are present and the file is valid', async () => {
    const t = tempHome();
    t.store.addAccount('base', { type: 'oauth_browser', region: 'us', defaultProject: '1' });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => run([t.home, 'add-target', `t${i}`, String(100 + i)])),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const targets = t.store.listTargets();
    expect(targets.map((target) => target.name).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `t${i}`).sort(),
    );
    expect(
      targets.every((target) => target.project === String(100 + Number(target.name.slice(1)))),
    ).toBe(true);
    expect(() => parseToml(readFileSync(t.configPath, 'utf8'), t.configPath)).not.toThrow();
    expect(t.mode(t.configPath)).toBe(0o600);
    console.log(`50 concurrent target adds: ${seconds.toFixed(2)} s, no update lost`);
  });

  it('10 processes × 20 mixed account/target updates: nothing is lost', async () => {
    const t = tempHome();
    t.store.addAccount('base', { type: 'oauth_browser', region: 'us', defaultProject: '1' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, id) => run([t.home, 'mixed', String(id)])),
    );
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const accounts = t.store.listAccounts().map((a) => a.name);
    const targets = t.store.listTargets().map((target) => target.name);
    for (let id = 0; id < 10; id++) {
      for (let i = 0; i < 20; i++) {
        if (i % 3 === 0) expect(accounts).toContain(`w${id}-${i}`);
        if (i % 3 === 1) expect(targets).toContain(`w${id}-${i}`);
      }
    }
    expect(accounts).toHaveLength(1 + 10 * 7);
    expect(targets).toHaveLength(10 * 7);
    // the shared account's last update is one of the values some process wrote
    expect(t.store.getAccount('base').defaultProject).toMatch(/^[0-9](2|5|8|11|14|17)$/);
    expect(t.store.listTargets().every((target) => target.account === 'base')).toBe(true);
  });
});
