import { describe, expect, it } from 'vitest';
import { createHttp } from './http';

describe('createHttp', () => {
  it('refuses a User-Agent that no header can carry, naming the option, never the value', async () => {
    const error = await createHttp({ userAgent: 'agent/1\r\nX-Injected: NOT-SHOWN' }).catch(
      (caught: unknown) => caught as Error & { code?: string },
    );
    expect(error).toMatchObject({ name: 'ConfigError', code: 'CONFIG_ERROR' });
    expect((error as Error).message).toMatch(/^The userAgent option contains a line break/);
    expect((error as Error).message).not.toContain('NOT-SHOWN');
  });
});
