import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, get, localDate, SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import { defaultFixture } from './fixture';
import { fnv1a32 } from './fnv';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

function query(path: string, params: Record<string, string>, authorization = SERVICE_ACCOUNT_AUTH) {
  return get(`${mock.origin}${path}?${new URLSearchParams(params)}`, {
    Authorization: authorization,
  });
}

const names = (params: Record<string, string>) =>
  query('/api/query/events/names', { project_id: '3713224', type: 'general', ...params });

const segmentation = (params: Record<string, string>) =>
  query('/api/query/segmentation', {
    project_id: '3713224',
    event: 'Sign Up',
    from_date: '2024-01-01',
    to_date: '2024-01-02',
    ...params,
  });

/** The spec's daily count, computed here with the exported helper. */
const daily = (event: string, segment: string, date: string) =>
  fnv1a32(`${event}|${segment}|${date}`) % 1000;

describe('project_id rules (both Query routes)', () => {
  it.each(['/api/query/events/names', '/api/query/segmentation'])('%s', async (path) => {
    const base = {
      type: 'general',
      event: 'Login',
      from_date: '2024-01-01',
      to_date: '2024-01-01',
    };
    const missing = await query(path, base);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      request: `${path}?${new URLSearchParams(base)}`,
      error: 'project_id is required',
    });
    expect((await query(path, { ...base, project_id: '12ab' })).status).toBe(400);
    expect((await query(path, { ...base, project_id: '999' })).status).toBe(404);
    const unauthenticated = await get(`${mock.origin}${path}?project_id=3713224`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toEqual({
      request: `${path}?project_id=3713224`,
      error: expect.stringMatching(/missing credentials/),
    });
  });

  it('answers 403 for a project the principal cannot see', async () => {
    const fixture = defaultFixture();
    fixture.users.push({ id: 7, email: 'b@example.com', name: 'B', project_ids: ['3713224'] });
    fixture.service_accounts.push({ username: 'b', secret: 'b', user_id: 7 });
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    const response = await query(
      '/api/query/events/names',
      { project_id: '3018488', type: 'general' },
      basic('b', 'b'),
    );
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: expect.any(String) });
  });
});

describe('GET /api/query/events/names', () => {
  it("answers the project's event names in fixture order, cut to limit", async () => {
    const all = await names({ limit: '5000', query_origin: 'mixpanel-data-ts' });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/json');
    expect(all.body).toEqual(['Sign Up', 'Login', 'Purchase', 'Page View']);
    expect((await names({ limit: '2' })).body).toEqual(['Sign Up', 'Login']);
    expect(mock.requests()[0]!.query.query_origin).toBe('mixpanel-data-ts');
  });

  it('clamps limit to 5000 and defaults it to 255', async () => {
    const fixture = defaultFixture();
    fixture.projects[0]!.events = Array.from({ length: 5003 }, (_, index) => `event ${index}`);
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    expect(((await names({ limit: '999999' })).body as string[]).length).toBe(5000);
    expect(((await names({})).body as string[]).length).toBe(255);
  });

  it.each([
    ['type missing', { type: '' }, 'type must be general, unique or average'],
    ['type other', { type: 'total' }, 'type must be general, unique or average'],
    ['limit 0', { limit: '0' }, 'limit must be a positive integer'],
    ['limit negative', { limit: '-3' }, 'limit must be a positive integer'],
    ['limit fractional', { limit: '1.5' }, 'limit must be a positive integer'],
    ['limit text', { limit: 'ten' }, 'limit must be a positive integer'],
    ['an impossible date', { from_date: '2024-02-30' }, 'invalid date'],
    ['a malformed date', { to_date: '2024/01/01' }, 'invalid date'],
    ['an empty from_date', { from_date: '' }, 'invalid date'],
    ['a year before 2000', { from_date: '1999-12-31' }, 'invalid date, bad year'],
    [
      'from_date after to_date',
      { from_date: '2024-01-02', to_date: '2024-01-01' },
      'from_date is after to_date',
    ],
  ])('answers 400 for %s', async (_name, params, error) => {
    const response = await names(params);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error });
  });

  it('gates from_date earlier than today − N − 1 with a 403 naming N', async () => {
    const project = { project_id: '3018488' };
    const tripped = await names({ ...project, from_date: localDate(-92), to_date: localDate() });
    expect(tripped.status).toBe(403);
    expect((tripped.body as { error: string }).error).toBe(
      'Date range exceeds 90 days into the past',
    );
    expect((await names({ ...project, from_date: '2000-01-01' })).status).toBe(403);
    // one day of slack: today − N − 1 and the client's retry value today − N both pass
    const slack = await names({ ...project, from_date: localDate(-91), to_date: localDate() });
    expect(slack.status).toBe(200);
    expect(slack.body).toEqual(['Add to Cart', 'Checkout']);
    expect((await names({ ...project, from_date: localDate(-90) })).status).toBe(200);
  });

  it('does not gate a project without max_data_history_days', async () => {
    expect((await names({ from_date: '2000-01-01', to_date: localDate() })).status).toBe(200);
  });
});

describe('GET /api/query/segmentation', () => {
  it('answers one segment named after the event without on', async () => {
    const response = await segmentation({});
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        series: ['2024-01-01', '2024-01-02'],
        values: {
          'Sign Up': {
            '2024-01-01': daily('Sign Up', 'Sign Up', '2024-01-01'),
            '2024-01-02': daily('Sign Up', 'Sign Up', '2024-01-02'),
          },
        },
      },
      legend_size: 1,
    });
  });

  it('segments by the fixture values of properties["X"]', async () => {
    const response = await segmentation({ on: 'properties["country"]' });
    const body = response.body as {
      data: { values: Record<string, Record<string, number>> };
      legend_size: number;
    };
    expect(body.legend_size).toBe(2);
    expect(Object.keys(body.data.values).sort()).toEqual(['CA', 'US']);
    for (const country of ['US', 'CA']) {
      expect(body.data.values[country]).toEqual({
        '2024-01-01': daily('Sign Up', country, '2024-01-01'),
        '2024-01-02': daily('Sign Up', country, '2024-01-02'),
      });
    }
  });

  it('uses the single segment "undefined" for a property the fixture lacks', async () => {
    for (const on of ['properties["browser"]', 'properties["toString"]']) {
      const body = (await segmentation({ on })).body as {
        data: { values: object };
        legend_size: number;
      };
      expect(Object.keys(body.data.values)).toEqual(['undefined']);
      expect(body.legend_size).toBe(1);
    }
  });

  it('accepts user[...] and event[...] and the \\" and \\\\ escapes', async () => {
    expect((await segmentation({ on: 'user["plan"]' })).status).toBe(200);
    expect((await segmentation({ on: 'event["plan"]' })).status).toBe(200);
    const fixture = defaultFixture();
    fixture.projects[0]!.segment_values['my"odd\\prop'] = ['x'];
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    const escaped = await segmentation({ on: 'properties["my\\"odd\\\\prop"]' });
    expect(Object.keys((escaped.body as { data: { values: object } }).data.values)).toEqual(['x']);
  });

  it.each([
    'country',
    'properties["Type"] == "Event"',
    'properties[country]',
    "properties['country']",
    'properties["a"b"]',
    'people["x"]',
  ])('answers 400 "invalid on expression" for on=%s', async (on) => {
    const response = await segmentation({ on });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid on expression' });
  });

  it('buckets weeks by the Monday on or before each date and sums the days', async () => {
    const body = (
      await segmentation({ from_date: '2024-01-03', to_date: '2024-01-15', unit: 'week' })
    ).body as { data: { series: string[]; values: Record<string, Record<string, number>> } };
    expect(body.data.series).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
    const sum = (dates: string[]) =>
      dates.reduce((total, date) => total + daily('Sign Up', 'Sign Up', date), 0);
    expect(body.data.values['Sign Up']).toEqual({
      '2024-01-01': sum(['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07']),
      '2024-01-08': sum([
        '2024-01-08',
        '2024-01-09',
        '2024-01-10',
        '2024-01-11',
        '2024-01-12',
        '2024-01-13',
        '2024-01-14',
      ]),
      '2024-01-15': sum(['2024-01-15']),
    });
  });

  it('buckets months by their first day', async () => {
    const body = (
      await segmentation({ from_date: '2024-01-30', to_date: '2024-02-01', unit: 'month' })
    ).body as { data: { series: string[]; values: Record<string, Record<string, number>> } };
    expect(body.data.series).toEqual(['2024-01-01', '2024-02-01']);
    expect(body.data.values['Sign Up']!['2024-01-01']).toBe(
      daily('Sign Up', 'Sign Up', '2024-01-30') + daily('Sign Up', 'Sign Up', '2024-01-31'),
    );
  });

  it('applies type unique (floor half), average (tenth) and the where halving', async () => {
    const base = daily('Sign Up', 'Sign Up', '2024-01-01');
    const value = async (params: Record<string, string>) =>
      (
        (await segmentation({ to_date: '2024-01-01', ...params })).body as {
          data: { values: Record<string, Record<string, number>> };
        }
      ).data.values['Sign Up']!['2024-01-01'];
    expect(await value({})).toBe(base);
    expect(await value({ type: 'unique' })).toBe(Math.floor(base / 2));
    expect(await value({ type: 'average' })).toBe(base / 10);
    expect(await value({ where: 'properties["plan"] == "pro"' })).toBe(Math.floor(base / 2));
    expect(await value({ type: 'unique', where: 'x' })).toBe(Math.floor(Math.floor(base / 2) / 2));
    // Present but empty still counts as present (docs/testkit.md#segmentation-route).
    expect(await value({ where: '' })).toBe(Math.floor(base / 2));
    expect(mock.requests().at(-2)!.query.where).toBe('x');
  });

  it.each([
    ['event missing', { event: '' }, 'event is required'],
    ['from_date missing', { from_date: '' }, 'from_date is required'],
    ['to_date missing', { to_date: '' }, 'to_date is required'],
    ['a bad date', { to_date: '2024-04-31' }, 'invalid date'],
    ['a year before 2000', { from_date: '1970-01-01' }, 'invalid date, bad year'],
    ['from_date after to_date', { from_date: '2024-01-03' }, 'from_date is after to_date'],
    ['unit minute', { unit: 'minute' }, expect.stringContaining('not supported')],
    ['unit hour', { unit: 'hour' }, expect.stringContaining('not supported')],
    ['unit year', { unit: 'year' }, 'unit must be day, week or month'],
    ['type other', { type: 'sum' }, 'type must be general, unique or average'],
  ])('answers 400 for %s', async (_name, params, error) => {
    const response = await segmentation(params);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error });
  });

  it('answers the first matching canned response verbatim', async () => {
    const fixture = defaultFixture();
    fixture.segmentation_responses = [
      { match: { event: 'Login', unit: 'week' }, body: { canned: 'week' } },
      { match: { event: 'Login', on: 'properties["country"]' }, body: { canned: 'country' } },
      { match: { event: 'Login' }, body: { canned: 'any' } },
    ];
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    expect((await segmentation({ event: 'Login', unit: 'week' })).body).toEqual({ canned: 'week' });
    expect((await segmentation({ event: 'Login', on: 'properties["country"]' })).body).toEqual({
      canned: 'country',
    });
    expect((await segmentation({ event: 'Login' })).body).toEqual({ canned: 'any' });
    expect((await segmentation({ event: 'Sign Up' })).body).toHaveProperty('legend_size', 1);
  });
});
