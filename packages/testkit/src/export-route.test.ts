import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import { exportLine } from './export-route';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

const NAMES = ['Sign Up', 'Login', 'Purchase', 'Page View'];

function exportUrl(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    project_id: '3713224',
    from_date: '2024-01-01',
    to_date: '2024-01-31',
    ...params,
  });
  return `${mock.origin}/api/2.0/export?${query}`;
}

const fetchExport = (params: Record<string, string> = {}) =>
  fetch(exportUrl(params), { headers: { Authorization: SERVICE_ACCOUNT_AUTH } });

/** Reads a body to its end; a cut stream rejects. */
async function readAll(response: Response): Promise<{ bytes: number; text: string }> {
  const reader = response.body!.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    bytes += value.byteLength;
  }
  return { bytes, text: Buffer.concat(parts).toString('utf8') };
}

describe('/api/2.0/export', () => {
  it('streams export_events NDJSON lines of the project, chunked, without Content-Length', async () => {
    const response = await fetchExport();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-length')).toBeNull();
    const { text } = await readAll(response);
    expect(text).toBe([0, 1, 2].map((index) => exportLine(index, NAMES)).join(''));
    expect(JSON.parse(text.split('\n')[1]!)).toMatchObject({
      event: 'Login',
      properties: { distinct_id: 'user-001', time: 1_704_067_201 },
    });
  });

  it('honours export_events, limit and an event filter', async () => {
    mock.configure({ export_events: 1000 });
    const all = await readAll(await fetchExport());
    expect(all.text.split('\n').length - 1).toBe(1000);
    const limited = await readAll(await fetchExport({ limit: '7', event: '["Purchase"]' }));
    const lines = limited.text.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.every((line) => JSON.parse(line).event === 'Purchase')).toBe(true);
  });

  it('runs to at least export_bytes bytes of whole lines', async () => {
    mock.configure({ export_bytes: 3_000_000 });
    const { bytes, text } = await readAll(await fetchExport());
    expect(bytes).toBeGreaterThanOrEqual(3_000_000);
    expect(bytes).toBeLessThan(3_000_000 + 200);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('answers 401 without credentials and 400 for a missing date or a bad event filter', async () => {
    expect((await fetch(exportUrl())).status).toBe(401);
    expect((await fetchExport({ from_date: '' })).status).toBe(400);
    const bad = await fetchExport({ event: 'Login' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'event must be a JSON array of event names' });
  });

  it('resetAfter cuts the body after N bytes: the reader fails after exactly those bytes', async () => {
    mock.configure({ export_events: 10_000 });
    mock.resetAfter('/api/2.0/export', 100_000);
    const response = await fetchExport();
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let bytes = 0;
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        bytes += value.byteLength;
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(bytes).toBe(100_000);
    // Once by default: the next export is whole.
    expect((await readAll(await fetchExport())).text.split('\n')).toHaveLength(10_001);
  });

  it('stallAfter sends N bytes and then nothing, until the client gives up', async () => {
    mock.configure({ export_events: 10_000 });
    mock.stallAfter('/api/2.0/export', 5000);
    const controller = new AbortController();
    const response = await fetch(exportUrl(), {
      headers: { Authorization: SERVICE_ACCOUNT_AUTH },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let bytes = 0;
    while (bytes < 5000) bytes += (await reader.read()).value!.byteLength;
    expect(bytes).toBe(5000);
    const next = reader.read();
    controller.abort();
    await expect(next).rejects.toThrow();
  });

  it('rejects after_bytes on an action other than reset or hang', () => {
    expect(() =>
      mock.inject({ action: 'respond', after_bytes: 3, response: { status: 200 } }),
    ).toThrow('after_bytes is only for actions "reset" and "hang"');
  });
});
