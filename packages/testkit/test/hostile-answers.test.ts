/**
 * Hostile answers a test can inject (docs/testkit.md#fault-injection): a
 * `json` of `null`, `false`, `0`, `""` or `[]` is sent as that literal JSON
 * body, from the helpers, `inject` and the admin API alike, never taken for
 * "no body".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMixpanel, startMockMixpanel } from '../src/server';
import { get, postJson, SERVICE_ACCOUNT_AUTH } from './helpers';

let mock: MockMixpanel;
beforeEach(async () => {
  mock = await startMockMixpanel();
});
afterEach(async () => {
  await mock.close();
});

const me = () => get(`${mock.origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });

describe('a literal JSON body', () => {
  it.each([[null], [false], [0], [''], [[]], [{}]])(
    'failWith(path, 200, {json: %j}) sends exactly that JSON',
    async (json) => {
      mock.failWith('/api/app/me', 200, { json });
      const response = await me();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.text).toBe(JSON.stringify(json));
    },
  );

  it('inject and the admin API send null as `null` too, and list the rule with it', async () => {
    mock.inject({ match: { path: '/api/app/me' }, response: { status: 200, json: null } });
    expect((await me()).text).toBe('null');
    const added = await postJson(`${mock.origin}/__mock/faults`, {
      match: { path: '/api/app/me' },
      response: { status: 200, json: null },
    });
    expect(added.status).toBe(200);
    const listed = await get(`${mock.origin}/__mock/faults`);
    expect((listed.body as { response: unknown }[]).at(-1)?.response).toEqual({
      status: 200,
      json: null,
    });
    expect((await me()).text).toBe('null');
    // Both rules are spent: the route answers normally again.
    expect((await me()).body).toMatchObject({ status: 'ok' });
  });
});
