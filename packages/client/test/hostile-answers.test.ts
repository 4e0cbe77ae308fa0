/**
 * Answers from Mixpanel that are not what the call expects (docs/http.md#the-me-call,
 * docs/http.md#events): an error, never an empty result, and never written
 * to the /me cache. And one error class per HTTP status, whichever call got
 * it (docs/http.md#status-to-error-mapping).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError, QueryError, ValidationError } from '../src/index';
import { errorOf, setup } from './helpers';

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

describe('a segmentation answer of the wrong shape', () => {
  const query = (t: Awaited<ReturnType<typeof setup>>) =>
    t.workspace().segmentation('Login', { fromDate: '2024-01-01', toDate: '2024-01-02' });
  it.each([
    ['null', null, ''],
    ['a list', [1, 2], ''],
    ['a string', 'ok', ''],
    ['data that is a list', { data: [] }, 'data'],
    ['values that are a number', { data: { values: 5 } }, 'data.values'],
    ['a segment that is a list', { data: { values: { US: [1] } } }, 'data.values.US'],
  ])('%s is a response ValidationError, not a total of 0', async (_what, body, path) => {
    const t = await setup();
    t.mock.failWith('/api/query/segmentation', 200, { json: body });
    const error = await errorOf(query(t));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).source).toBe('response');
    expect(error.details).toMatchObject({ path });
    expect(error.message).toMatch(/^Unexpected response format from Mixpanel \(segmentation\): /);
  });

  it('an answer without data or values is still an empty result', async () => {
    const t = await setup();
    t.mock.failWith('/api/query/segmentation', 200, { json: { legend_size: 0 } });
    const result = await query(t);
    expect(result.total).toBe(0);
    expect(result.series).toEqual({});
  });
});

describe('one error class per status, whichever call gets it', () => {
  const calls = {
    '/me': [
      '/api/app/me',
      (ws: ReturnType<Awaited<ReturnType<typeof setup>>['workspace']>) =>
        ws.projects({ refresh: true }),
    ],
    events: [
      '/api/query/events/names',
      (ws: ReturnType<Awaited<ReturnType<typeof setup>>['workspace']>) => ws.events(),
    ],
  } as const;

  it.each(Object.keys(calls))('a 401 from %s is an AuthenticationError', async (name) => {
    const [path, call] = calls[name as keyof typeof calls];
    const t = await setup();
    t.mock.failWith(path, 401, { json: { error: 'bad' } });
    const error = await errorOf(call(t.workspace()));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      "Mixpanel rejected the credentials of account 'team'. Check the service account's username, secret and project id.",
    );
  });

  it.each(Object.keys(calls))('a 403 from %s is a QueryError with status 403', async (name) => {
    const [path, call] = calls[name as keyof typeof calls];
    const t = await setup();
    t.mock.failWith(path, 403, { json: { error: 'no access' } });
    const error = await errorOf(call(t.workspace()));
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).statusCode).toBe(403);
    expect((error as QueryError).requestUrl).toBe(`${t.mock.origin}${path}`);
  });

  it('a 403 from /me still names the missing scope of a service account', async () => {
    const t = await setup();
    t.mock.failWith('/api/app/me', 403, { json: { error: 'no access' } });
    const error = await errorOf(t.workspace().me());
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message.split('\n')[0]).toBe(
      "Service account 'team' is missing the `user_details` scope.",
    );
    expect(error.details).toMatchObject({ status_code: 403, account_name: 'team' });
  });
});
