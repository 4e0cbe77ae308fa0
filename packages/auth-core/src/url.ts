/**
 * The user info (`user:password@`) of every URL in `text`, replaced by
 * `***` (docs/errors.md#secrets-and-redaction): `https://u:p@host/x` →
 * `https://***@host/x`. The authority ends where a URL parser ends it, at
 * `/`, `?`, `#` or `\`, so an `@` in a path or query is kept.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z\d+.-]*:\/\/)[^/?#\\\s]*@/gi, '$1***@');
}
