import * as v from 'valibot';
import { ConfigError } from './errors';

/**
 * What a header value may not hold: CR, LF, NUL and the other control
 * characters but tab, and code points above U+00FF. `fetch` refuses most of
 * them, and its error quotes the whole value (a token, say).
 */
const HEADER_VALUE_UNSAFE = /[^\t -~\x80-\xff]/;

/** Whether `value` can be sent as an HTTP header value as it is (docs/http.md#header-values). */
export const isHeaderValue = (value: string): boolean => !HEADER_VALUE_UNSAFE.test(value);

/** A string field that is sent as a header value (an access token, a bridge header). */
export const headerValueSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string(),
    v.check(isHeaderValue, 'Input should hold only characters allowed in an HTTP header'),
  ))();

/**
 * `value` when it can be sent as an HTTP header value; otherwise a ConfigError
 * naming `source` (where the value came from: a file and key, a variable) and
 * `fix`, never the value (docs/http.md#header-values).
 */
export function checkHeaderValue(
  value: string,
  source: string,
  fix: string,
  details: Record<string, unknown> = {},
): string {
  if (isHeaderValue(value)) return value;
  throw new ConfigError(
    `${source} contains a line break or another character not allowed in an HTTP header. ${fix}`,
    { details },
  );
}
