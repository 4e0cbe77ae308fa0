/** What every secret renders as, wherever it is printed or serialised. */
export const REDACTED = '**********';

const SECRET_MARK = Symbol.for('mixpanel-data.secret');
/** Node's `util.inspect` hook, named without importing `node:util`. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A secret value (service-account secret, bearer token, refresh token).
 * `String()`, template literals, `JSON.stringify` and `util.inspect` all give
 * `**********`; the value comes out only through `reveal()`.
 */
export class Secret {
  readonly #value: string;
  declare readonly [SECRET_MARK]: true;

  constructor(value: string) {
    this.#value = String(value);
    Object.defineProperty(this, SECRET_MARK, { value: true });
    Object.freeze(this);
  }

  /** The plaintext. Call it only to build a header, a form body or a file. */
  reveal(): string {
    return this.#value;
  }

  /** Equal when the underlying values are equal (works across two installed copies). */
  equals(other: unknown): boolean {
    return isSecret(other) && other.reveal() === this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return REDACTED;
  }
}

/** True for a `Secret` from any copy of this package. */
export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && (value as Secret)[SECRET_MARK] === true;
}

/** Wraps a plain string; passes an existing `Secret` through. */
export function toSecret(value: string | Secret): Secret {
  return isSecret(value) ? value : new Secret(value);
}
