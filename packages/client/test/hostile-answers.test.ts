/**
 * Answers from Mixpanel that are not what the call expects (docs/http.md#the-me-call,
 * docs/http.md#events): an error, never an empty result, and never written
 * to the /me cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MixpanelDataError, ValidationError } from '../src/index';
import { setup } from './helpers';

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as MixpanelDataError,
  );
const mePath = (home: string) => join(home, '.mp', 'accounts', 'team', 'me.json');

describe('a /me answer that fails validation', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['a string', 'ok'],
    ['a number', 42],
    ['results: null', { status: 'ok', results: null }],
    ['results: a list', { status: 'ok', results: [1] }],
  ])('%s is a response ValidationError and leaves me.json byte for byte', async (_what, body) => {
    const t = await setup();
    await t.workspace().me();
    const before = readFileSync(mePath(t.home));
    t.mock.failWith('/api/app/me', 200, { json: body });
    const ws = t.workspace();
    const error = await errorOf(ws.projects({ refresh: true }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).source).toBe('response');
    expect(error.message).toMatch(/^Unexpected response format from Mixpanel \(\/me\): /);
    expect(readFileSync(mePath(t.home)).equals(before)).toBe(true);
    // The good cache is still what a later call uses (no second request).
    expect((await t.workspace().projects()).map((p) => p.id)).toEqual(['3713224', '3018488']);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
  });

  it('is reported by accounts.test as a /me that could not be parsed', async () => {
    const t = await setup();
    t.mock.failWith('/api/app/me', 200, { json: null });
    const result = await t.accounts.test('team');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^\/me response could not be parsed: /);
    expect(result.errorCode).toBe('VALIDATION_ERROR');
  });

  it('stops addDiscovering deriving a name from nothing', async () => {
    const t = await setup();
    t.mock.failWith('/api/app/me', 200, { json: { status: 'ok', results: null }, times: null });
    const error = await errorOf(
      t.accounts.addDiscovering(undefined, {
        type: 'service_account',
        username: 'team-sa',
        secret: 's3cret-sa',
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(t.store.read().accountNames()).toEqual(['team', 'personal']);
  });
});

describe('an events answer that is not a list of names', () => {
  it.each([
    ['an object', { error: null, names: ['Login'] }],
    ['null', null],
    ['a list with a non-string', ['Login', { name: 'x' }]],
  ])('%s is a response ValidationError, not an empty list', async (_what, body) => {
    const t = await setup();
    t.mock.failWith('/api/query/events/names', 200, { json: body });
    const error = await errorOf(t.workspace().events());
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).source).toBe('response');
    expect(error.message).toMatch(/^Unexpected response format from Mixpanel \(events\/names\): /);
  });
});
