/**
 * The secret scan of `pnpm test` (docs/testkit.md#secrets-log): every fixture
 * secret and every token the mock issued during the run must be absent from
 * the whole output of the suites (turbo's, which carries every task's). A hit
 * is reported by kind and by task, never by value. Used by
 * scripts/test-summary.mjs; tested by packages/testkit/test/secret-scan.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { defaultFixture } from '@mixpanel-data/testkit';

/** Shorter values (a test's `secret: 'x'`) would match ordinary text; they are not scanned. */
export const MIN_SECRET_LENGTH = 6;

/**
 * The secrets to look for, value → kind: the default fixture's, and every
 * line of the mocks' secrets log at `logPath` (absent: none).
 */
export function readSecrets(logPath) {
  const secrets = new Map();
  const add = (kind, value) => {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && !secrets.has(value))
      secrets.set(value, kind);
  };
  const fixture = defaultFixture();
  for (const account of fixture.service_accounts) add('service_account_secret', account.secret);
  for (const token of fixture.static_tokens) add('static_token', token.token);
  if (logPath && existsSync(logPath)) {
    for (const line of readFileSync(logPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const { kind, value } = JSON.parse(line);
      add(kind, value);
    }
  }
  return secrets;
}

/** Turbo's prefix of a task's line: `@scope/package:task: `. */
const TASK_PREFIX = /^(@[^:\s]+:\S+?):(?: |$)/;

/**
 * Turbo's output cut into the output of each task (by the prefix of its
 * lines), colour codes removed; lines without a prefix belong to `turbo`.
 */
export function outputsByTask(text) {
  const tasks = new Map();
  for (const line of stripVTControlCharacters(text).split(/\r?\n/)) {
    const match = TASK_PREFIX.exec(line);
    const source = match ? match[1] : 'turbo';
    if (!tasks.has(source)) tasks.set(source, []);
    tasks.get(source).push(match ? line.slice(match[0].length) : line);
  }
  return [...tasks].map(([source, lines]) => ({ source, text: lines.join('\n') }));
}

/** Each (kind, source) pair with a hit, once, in the order found. */
export function findSecrets(secrets, outputs) {
  const hits = [];
  const seen = new Set();
  for (const { source, text } of outputs) {
    for (const [value, kind] of secrets) {
      const key = `${kind}\u0000${source}`;
      if (!seen.has(key) && text.includes(value)) {
        seen.add(key);
        hits.push({ kind, source });
      }
    }
  }
  return hits;
}

/** The report line of a hit: the kind and the task, not the value. */
export function describeHit({ kind, source }) {
  const what = kind.replaceAll('_', ' ');
  return `secret scan: ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} appears in the output of ${source}; find the test or code that prints it and stop it`;
}
