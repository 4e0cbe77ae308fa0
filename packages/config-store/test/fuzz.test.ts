/** Random and near-valid input never crashes the reader with anything but our typed errors. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MixpanelDataError } from '@mixpanel-data/auth-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { tempHome } from './helpers';

const VALID = `[active]
account = "ops-sa"
workspace = 777001

[accounts.ops-sa]
type = "service_account"
region = "eu"
default_project = "4400117"
username = "bot"
secret = "s"

[targets.checkout]
account = "ops-sa"
project = "4400118"

[settings.custom_header]
name = "X"
value = "y"
`;

/** Every read operation a command could run; each either works or throws one of our errors. */
function exercise(t: ReturnType<typeof tempHome>, bytes: Uint8Array | string): void {
  writeFileSync(t.configPath, bytes);
  chmodSync(t.configPath, 0o600);
  for (const read of [
    () => t.store.listAccounts(),
    () => t.store.listTargets(),
    () => t.store.getActive(),
    () => t.store.getCustomHeader(),
    () => t.store.showAccount(),
    () => t.store.getAccount('ops-sa'),
    () => t.store.addTarget('fuzz', { account: 'ops-sa', project: '1' }),
  ]) {
    try {
      read();
    } catch (error) {
      if (!MixpanelDataError.isInstance(error)) throw error;
      expect((error as Error).message).not.toMatch(/\n\s+at /);
    }
  }
}

it('random bytes', () => {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => exercise(t, bytes)),
    { numRuns: 300 },
  );
});

it('near-valid TOML: the example with random edits', () => {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  const pieces = [
    '"',
    '=',
    '[',
    ']',
    '\n',
    '0',
    '-1',
    'true',
    '{',
    '}',
    '"us"',
    'type',
    '.',
    ' ',
    '#',
    '\\',
    'é',
    '[[x]]',
    '1979-05-27',
  ];
  const edit = fc.record({
    at: fc.nat({ max: VALID.length }),
    drop: fc.nat({ max: 6 }),
    insert: fc.constantFrom(...pieces),
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = VALID;
      for (const { at, drop, insert } of edits)
        text = text.slice(0, at) + insert + text.slice(at + drop);
      exercise(t, text);
    }),
    { numRuns: 500 },
  );
});
