import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bearer,
  get,
  login,
  postJson,
  prepareAuthorize,
  SERVICE_ACCOUNT_AUTH,
} from '../test/helpers';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel({ region: 'in' });
});

afterEach(async () => {
  await mock.close();
});

const admin = (path: string) => `${mock.origin}/__mock/${path}`;
const remove = async (path: string) => {
  const response = await fetch(admin(path), { method: 'DELETE' });
  return { status: response.status, body: await response.json() };
};
const me = (token?: string) =>
  get(`${mock.origin}/api/app/me`, {
    Authorization: token === undefined ? SERVICE_ACCOUNT_AUTH : bearer(token),
  });

describe('admin HTTP API', () => {
  it('GET /__mock/requests reads the log (optionally by path and method); DELETE clears it', async () => {
    await me();
    await get(`${mock.origin}/oauth/authorize/`);
    const all = await get(admin('requests'));
    expect(all.status).toBe(200);
    expect((all.body as Array<{ path: string }>).map((record) => record.path)).toEqual([
      '/api/app/me',
      '/oauth/authorize/',
    ]);
    const filtered = await get(admin('requests?path=%2Fapi%2Fapp%2Fme&method=GET'));
    expect(filtered.body).toHaveLength(1);
    expect((await remove('requests')).status).toBe(200);
    expect((await get(admin('requests'))).body).toEqual([]);
    expect(mock.countRequests()).toBe(0);
  });

  it('POST /__mock/faults adds a rule, GET lists it with counters, DELETE removes one or all', async () => {
    const added = await postJson(admin('faults'), {
      match: { path: '/api/app/me' },
      times: null,
      response: { status: 503, json: { error: 'down' } },
    });
    expect(added).toMatchObject({ status: 200, body: { id: 1 } });
    expect((await me()).status).toBe(503);
    const listed = await get(admin('faults'));
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: 1,
        times: null,
        action: 'respond',
        matched: 1,
        applied: 1,
        retired: false,
      }),
    ]);
    await postJson(admin('faults'), { match: { path: '/x' }, action: 'hang' });
    expect((await remove('faults/1')).status).toBe(200);
    expect((await remove('faults/1')).status).toBe(404);
    expect((await get(admin('faults'))).body).toEqual([expect.objectContaining({ id: 2 })]);
    expect((await remove('faults')).status).toBe(200);
    expect((await get(admin('faults'))).body).toEqual([]);
    expect((await me()).status).toBe(200);
  });

  it('answers 400 for an invalid rule or a non-object body', async () => {
    const invalid = await postJson(admin('faults'), { action: 'respond' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: expect.stringMatching(/needs a response/) });
    const drip = await postJson(admin('faults'), { action: 'drip', drip: { chunk_bytes: 0 } });
    expect(drip).toMatchObject({
      status: 400,
      body: { error: 'invalid fault rule: drip.chunk_bytes must be an integer of at least 1' },
    });
    const bomb = await postJson(admin('faults'), {
      response: { status: 200, body_bytes: 1e9, content_encoding: 'zstd' },
    });
    expect(bomb).toMatchObject({
      status: 400,
      body: {
        error: 'invalid fault rule: response.content_encoding must be one of gzip, deflate, br',
      },
    });
    expect((await postJson(admin('faults'), '[1, 2]')).status).toBe(400);
    expect((await postJson(admin('faults'), '{oops')).status).toBe(400);
  });

  it('POST /__mock/config applies a partial config and returns the whole one', async () => {
    const response = await postJson(admin('config'), { approval: 'deny', me_variant: 'no_email' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      approval: 'deny',
      me_variant: 'no_email',
      access_token_ttl_seconds: 3600,
    });
    expect((await me()).body).not.toHaveProperty('results.user_email');
    const bad = await postJson(admin('config'), { approval: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.stringMatching(/approval must be one of/) });
  });

  it('POST /__mock/tokens/expire expires one access token or all', async () => {
    const first = await login(mock);
    const second = await login(mock);
    const one = await postJson(admin('tokens/expire'), { access_token: first.accessToken });
    expect(one.body).toEqual({ expired: 1 });
    expect((await me(first.accessToken)).status).toBe(401);
    expect((await me(second.accessToken)).status).toBe(200);
    expect((await postJson(admin('tokens/expire'), { all: true })).body).toEqual({ expired: 2 }); // the other login's token and the fixture's static token
    expect((await me(second.accessToken)).status).toBe(401);
    expect((await postJson(admin('tokens/expire'), {})).status).toBe(400);
  });

  it('POST /__mock/tokens/revoke revokes by access token, refresh token, user or all', async () => {
    const session = await login(mock);
    expect(
      (await postJson(admin('tokens/revoke'), { access_token: session.accessToken })).body,
    ).toEqual({
      revoked: 1,
    });
    expect((await me(session.accessToken)).status).toBe(401);
    expect(
      (await postJson(admin('tokens/revoke'), { refresh_token: session.refreshToken })).body,
    ).toEqual({
      revoked: 1,
    });
    await login(mock);
    // user 42: the new pair and the fixture static token
    expect((await postJson(admin('tokens/revoke'), { user_id: 42 })).body).toEqual({ revoked: 3 });
    expect((await me('static-token-abc')).status).toBe(401);
    await login(mock);
    expect((await postJson(admin('tokens/revoke'), { all: true })).body).toEqual({ revoked: 2 });
    expect((await postJson(admin('tokens/revoke'), {})).status).toBe(400);
    expect((await postJson(admin('tokens/revoke'), { user_id: '42' })).status).toBe(400);
  });

  it('POST /__mock/clock advances or sets the offset', async () => {
    expect((await postJson(admin('clock'), { advance_seconds: 30 })).body).toEqual({
      offset_seconds: 30,
    });
    expect((await postJson(admin('clock'), { advance_seconds: 15 })).body).toEqual({
      offset_seconds: 45,
    });
    expect(mock.clock.offsetSeconds).toBe(45);
    expect((await postJson(admin('clock'), { offset_seconds: -5 })).body).toEqual({
      offset_seconds: -5,
    });
    expect((await postJson(admin('clock'), { advance_seconds: 'soon' })).status).toBe(400);
  });

  it('GET /__mock/state reports region, clients, outstanding codes, tokens, config and faults', async () => {
    await login(mock);
    mock.configure({ approval: 'wrong_state' });
    mock.rateLimit('/api/app/me');
    const state = (await get(admin('state'))).body as Record<string, unknown>;
    expect(Object.keys(state).sort()).toEqual([
      'clients',
      'codes_outstanding',
      'config',
      'faults',
      'region',
      'tokens',
    ]);
    expect(state.region).toBe('in');
    expect(state.clients).toEqual([expect.objectContaining({ client_id: 'mock-client-1' })]);
    expect(state.codes_outstanding).toBe(0);
    expect(state.tokens).toHaveLength(2);
    expect(state.config).toMatchObject({ approval: 'wrong_state' });
    expect(state.faults).toEqual([expect.objectContaining({ id: 1 })]);
  });

  it('counts outstanding codes until they are used or expire', async () => {
    const setup = await prepareAuthorize(mock);
    await fetch(setup.url, { redirect: 'manual' });
    expect(
      ((await get(admin('state'))).body as { codes_outstanding: number }).codes_outstanding,
    ).toBe(1);
    mock.clock.advance(601);
    expect(
      ((await get(admin('state'))).body as { codes_outstanding: number }).codes_outstanding,
    ).toBe(0);
  });

  it('POST /__mock/reset resets the mock', async () => {
    await login(mock);
    mock.configure({ approval: 'deny' });
    expect((await postJson(admin('reset'), {})).body).toEqual({ ok: true });
    const state = (await get(admin('state'))).body as Record<string, unknown>;
    expect(state).toMatchObject({ clients: [], tokens: [], config: { approval: 'auto' } });
    expect(mock.countRequests()).toBe(0);
  });

  it('is never logged and answers 404/405 for unknown routes and methods', async () => {
    expect((await get(admin('nothing'))).status).toBe(404);
    expect((await get(admin('reset'))).status).toBe(405);
    expect((await get(admin('faults/3'))).status).toBe(405);
    expect(mock.countRequests()).toBe(0);
  });
});
