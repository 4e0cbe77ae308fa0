import { describe, expect, it } from 'vitest';
import { redactUrl } from './url';

describe('redactUrl', () => {
  it.each([
    ['https://user:PASSW0RD@127.0.0.1:1', 'https://***@127.0.0.1:1'],
    ['http://PASSW0RD@host/path?q=1', 'http://***@host/path?q=1'],
    ['HTTPS://u:p@a@host', 'HTTPS://***@host'],
    // A `@` after the authority is not user info.
    ['https://host/a@b?email=x@y.example#f@g', 'https://host/a@b?email=x@y.example#f@g'],
    ['https://host', 'https://host'],
    [
      "MP_BASE_URL='https://u:PASSW0RD@h' failed; see ftp://a:PASSW0RD@b/c",
      "MP_BASE_URL='https://***@h' failed; see ftp://***@b/c",
    ],
    ['no url here: user:PASSW0RD@host', 'no url here: user:PASSW0RD@host'],
  ])('%s → %s', (input, shown) => {
    expect(redactUrl(input)).toBe(shown);
  });
});
