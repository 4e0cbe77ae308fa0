/** Fault rules (docs/testkit.md#fault-injection) and the helpers that build them (docs/testkit.md#fault-injection). */
import type { ParsedRequest } from './http-io';

export interface FaultMatch {
  /** Compared case-insensitively. */
  method?: string;
  /** Exact path; give this or `path_prefix`, or neither for any path. */
  path?: string;
  path_prefix?: string;
  /** Every listed query parameter must have exactly this value. */
  query?: Record<string, string>;
  /** Every listed field of a form-urlencoded body must have exactly this value. */
  form?: Record<string, string>;
}

export interface FaultResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON body (sent with `Content-Type: application/json`), or */
  json?: unknown;
  /** a text body (`text/plain`), or */
  text?: string;
  /**
   * a generated JSON body of exactly this many bytes, `{"padding":"xx…x"}`
   * (at least 14), streamed so the mock never holds it. None of the three: an empty body.
   */
  body_bytes?: number;
  /** Compress the body and send `Content-Encoding` (a small gzip of a huge `body_bytes` is a gzip bomb). */
  content_encoding?: ContentEncoding;
}

export type ContentEncoding = 'gzip' | 'deflate' | 'br';

/** How `"drip"` sends a body: `chunk_bytes` bytes, then a pause of `interval_ms`, until the body ends. */
export interface DripPace {
  /** Default 1. */
  chunk_bytes?: number;
  /** Default 1000. */
  interval_ms?: number;
}

export type FaultAction = 'respond' | 'pass' | 'hang' | 'reset' | 'drip';

export interface FaultRule {
  match?: FaultMatch;
  /** Let this many matching requests through (to later rules and normal routing) first. Default 0. */
  skip?: number;
  /** Apply to this many matching requests, then retire; `null` = forever. Default 1. */
  times?: number | null;
  /** Wait before acting. Default 0. */
  delay_ms?: number;
  /** Default `"respond"`. */
  action?: FaultAction;
  /** Required for `"respond"`; for `"drip"`, the answer to drip (default: the normal answer). */
  response?: FaultResponse;
  /** Only for `"drip"`: its pace. Default one byte a second. */
  drip?: DripPace;
  /**
   * Only for `"reset"` and `"hang"`: send the normal answer's status,
   * headers and first `after_bytes` body bytes, then reset or go silent
   * (a failure mid-stream). Default: act before any answer.
   */
  after_bytes?: number;
}

/** A rule as stored: defaults filled in, with its id and counters. */
export interface ActiveFaultRule {
  id: number;
  match: FaultMatch;
  skip: number;
  times: number | null;
  delay_ms: number;
  action: FaultAction;
  response: FaultResponse | null;
  /** The pace of a `"drip"` rule, `null` for the other actions. */
  drip: Required<DripPace> | null;
  /** Body bytes sent before a `"reset"` or `"hang"` acts, `null` to act before any answer. */
  after_bytes: number | null;
  /** Matching requests seen, including skipped ones. */
  matched: number;
  /** Requests this rule acted on. */
  applied: number;
  retired: boolean;
}

class FaultRuleProblem extends Error {
  constructor(problem: string) {
    super(`invalid fault rule: ${problem}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkStringMap(value: unknown, where: string): Record<string, string> {
  if (!isRecord(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw new FaultRuleProblem(`${where} must be an object of strings`);
  }
  return { ...(value as Record<string, string>) };
}

function checkCount(value: unknown, where: string, least = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
    throw new FaultRuleProblem(
      least === 0
        ? `${where} must be a non-negative integer`
        : `${where} must be an integer of at least ${least}`,
    );
  }
  return value;
}

function normalizeMatch(value: unknown): FaultMatch {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new FaultRuleProblem('match must be an object');
  const match: FaultMatch = {};
  for (const [key, member] of Object.entries(value)) {
    switch (key) {
      case 'method':
      case 'path':
      case 'path_prefix':
        if (typeof member !== 'string') throw new FaultRuleProblem(`match.${key} must be a string`);
        match[key] = key === 'method' ? member.toUpperCase() : member;
        break;
      case 'query':
      case 'form':
        match[key] = checkStringMap(member, `match.${key}`);
        break;
      default:
        throw new FaultRuleProblem(`unknown key match.${key}`);
    }
  }
  if (match.path !== undefined && match.path_prefix !== undefined) {
    throw new FaultRuleProblem('give match.path or match.path_prefix, not both');
  }
  return match;
}

function normalizeResponse(value: unknown): FaultResponse {
  if (!isRecord(value)) throw new FaultRuleProblem('response must be an object');
  const { status } = value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new FaultRuleProblem('response.status must be an HTTP status');
  }
  const unknownKey = Object.keys(value).find((key) => !RESPONSE_KEYS.includes(key));
  if (unknownKey !== undefined) throw new FaultRuleProblem(`unknown key response.${unknownKey}`);
  const response: FaultResponse = { status };
  if (value.headers !== undefined)
    response.headers = checkStringMap(value.headers, 'response.headers');
  const bodies = ['json', 'text', 'body_bytes'].filter((key) => value[key] !== undefined);
  if (bodies.length > 1) {
    throw new FaultRuleProblem('give one of response.json, response.text, response.body_bytes');
  }
  if (value.json !== undefined) response.json = structuredClone(value.json);
  if (value.text !== undefined) {
    if (typeof value.text !== 'string')
      throw new FaultRuleProblem('response.text must be a string');
    response.text = value.text;
  }
  if (value.body_bytes !== undefined) {
    response.body_bytes = checkCount(value.body_bytes, 'response.body_bytes', PADDING_MIN_BYTES);
  }
  if (value.content_encoding !== undefined) {
    if (!ENCODINGS.includes(value.content_encoding as string)) {
      throw new FaultRuleProblem(
        `response.content_encoding must be one of ${ENCODINGS.join(', ')}`,
      );
    }
    response.content_encoding = value.content_encoding as ContentEncoding;
  }
  return response;
}

function normalizeDrip(value: unknown): Required<DripPace> {
  if (value === undefined) return { chunk_bytes: 1, interval_ms: 1000 };
  if (!isRecord(value)) throw new FaultRuleProblem('drip must be an object');
  const unknownKey = Object.keys(value).find((key) => !DRIP_KEYS.includes(key));
  if (unknownKey !== undefined) throw new FaultRuleProblem(`unknown key drip.${unknownKey}`);
  return {
    chunk_bytes:
      value.chunk_bytes === undefined ? 1 : checkCount(value.chunk_bytes, 'drip.chunk_bytes', 1),
    interval_ms:
      value.interval_ms === undefined ? 1000 : checkCount(value.interval_ms, 'drip.interval_ms'),
  };
}

/** The size of the smallest generated body, `{"padding":""}`. */
export const PADDING_MIN_BYTES = 14;
const ENCODINGS: readonly string[] = ['gzip', 'deflate', 'br'];
const ACTIONS: readonly string[] = ['respond', 'pass', 'hang', 'reset', 'drip'];
const RULE_KEYS: readonly string[] = [
  'match',
  'skip',
  'times',
  'delay_ms',
  'action',
  'response',
  'drip',
  'after_bytes',
];
const RESPONSE_KEYS: readonly string[] = [
  'status',
  'headers',
  'json',
  'text',
  'body_bytes',
  'content_encoding',
];
const DRIP_KEYS: readonly string[] = ['chunk_bytes', 'interval_ms'];

/** Validates a rule and fills in its defaults; throws an `Error` naming the problem. */
export function normalizeRule(input: unknown, id: number): ActiveFaultRule {
  if (!isRecord(input)) throw new FaultRuleProblem('a rule must be an object');
  const unknownKey = Object.keys(input).find((key) => !RULE_KEYS.includes(key));
  if (unknownKey !== undefined) throw new FaultRuleProblem(`unknown key ${unknownKey}`);
  const action = input.action ?? 'respond';
  if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    throw new FaultRuleProblem(`action must be one of ${ACTIONS.join(', ')}`);
  }
  const times = input.times === undefined ? 1 : input.times;
  if (action === 'respond' && input.response === undefined) {
    throw new FaultRuleProblem('action "respond" needs a response');
  }
  if (input.drip !== undefined && action !== 'drip') {
    throw new FaultRuleProblem('drip is only for action "drip"');
  }
  if (input.after_bytes !== undefined && action !== 'reset' && action !== 'hang') {
    throw new FaultRuleProblem('after_bytes is only for actions "reset" and "hang"');
  }
  return {
    id,
    match: normalizeMatch(input.match),
    skip: input.skip === undefined ? 0 : checkCount(input.skip, 'skip'),
    times: times === null ? null : checkCount(times, 'times'),
    delay_ms: input.delay_ms === undefined ? 0 : checkCount(input.delay_ms, 'delay_ms'),
    action: action as FaultAction,
    response: input.response === undefined ? null : normalizeResponse(input.response),
    drip: action === 'drip' ? normalizeDrip(input.drip) : null,
    after_bytes:
      input.after_bytes === undefined ? null : checkCount(input.after_bytes, 'after_bytes'),
    matched: 0,
    applied: 0,
    retired: times === 0,
  };
}

function matches(match: FaultMatch, request: ParsedRequest): boolean {
  if (match.method !== undefined && match.method !== request.method.toUpperCase()) return false;
  if (match.path !== undefined && match.path !== request.path) return false;
  if (match.path_prefix !== undefined && !request.path.startsWith(match.path_prefix)) return false;
  const subset = (wanted: Record<string, string>, actual: Record<string, string> | null) =>
    actual !== null &&
    Object.entries(wanted).every(
      ([key, value]) => Object.hasOwn(actual, key) && actual[key] === value,
    );
  if (match.query !== undefined && !subset(match.query, request.query)) return false;
  if (match.form !== undefined && !subset(match.form, request.form)) return false;
  return true;
}

/** The rule list of one mock: insertion order, per-rule counters. */
export class FaultBook {
  private rules: ActiveFaultRule[] = [];
  private lastId = 0;

  add(rule: unknown): number {
    const normalized = normalizeRule(rule, this.lastId + 1);
    this.lastId = normalized.id;
    this.rules.push(normalized);
    return normalized.id;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  reset(): void {
    this.rules = [];
    this.lastId = 0;
  }

  list(): ActiveFaultRule[] {
    return structuredClone(this.rules);
  }

  /**
   * The first active rule that matches and is past its `skip` count, with its
   * counters advanced; `null` when none applies (normal routing).
   */
  select(request: ParsedRequest): ActiveFaultRule | null {
    for (const rule of this.rules) {
      if (rule.retired || !matches(rule.match, request)) continue;
      rule.matched += 1;
      if (rule.matched <= rule.skip) continue;
      rule.applied += 1;
      if (rule.times !== null && rule.applied >= rule.times) rule.retired = true;
      return structuredClone(rule);
    }
    return null;
  }
}

/** `times` for the helpers: a count, or `null` for forever. */
export interface FaultTimesOptions {
  times?: number | null;
}

export interface RateLimitOptions extends FaultTimesOptions {
  /** The `Retry-After` header value. Default `"0"`. */
  retryAfter?: string;
}

export interface FailWithOptions extends FaultTimesOptions {
  json?: unknown;
  text?: string;
  method?: string;
}

/** `mock.rateLimit`: 429 with `Retry-After` and `{"error": "rate limited"}`, once by default. */
export function rateLimitRule(path: string, options: RateLimitOptions = {}): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action: 'respond',
    response: {
      status: 429,
      headers: { 'Retry-After': options.retryAfter ?? '0' },
      json: { error: 'rate limited' },
    },
  };
}

/** `mock.failWith`: the given status, with `json`, `text` or `{"error": "mock failure <status>"}`. */
export function failWithRule(
  path: string,
  status: number,
  options: FailWithOptions = {},
): FaultRule {
  const response: FaultResponse = { status };
  if (options.text !== undefined) response.text = options.text;
  else
    response.json = options.json === undefined ? { error: `mock failure ${status}` } : options.json;
  const match: FaultMatch = { path };
  if (options.method !== undefined) match.method = options.method;
  return {
    match,
    times: options.times === undefined ? 1 : options.times,
    action: 'respond',
    response,
  };
}

/** `mock.slow`: wait `ms` then answer normally, forever by default. */
export function slowRule(
  path: string,
  milliseconds: number,
  options: FaultTimesOptions = {},
): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? null : options.times,
    delay_ms: milliseconds,
    action: 'pass',
  };
}

/** `mock.hang`: never answer, once by default. */
export function hangRule(path: string, options: FaultTimesOptions = {}): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action: 'hang',
  };
}

/** `mock.dropConnection`: destroy the socket without answering, once by default. */
export function dropConnectionRule(path: string, options: FaultTimesOptions = {}): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action: 'reset',
  };
}

export interface DripOptions extends FaultTimesOptions {
  /** Bytes per chunk. Default 1. */
  chunkBytes?: number;
  /** Pause before each chunk. Default 1000 ms. */
  intervalMs?: number;
}

/** `mock.drip`: the normal answer's status and headers at once, then its body a chunk at a time; once by default. */
export function dripRule(path: string, options: DripOptions = {}): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action: 'drip',
    drip: { chunk_bytes: options.chunkBytes ?? 1, interval_ms: options.intervalMs ?? 1000 },
  };
}

export interface HugeBodyOptions extends FaultTimesOptions {
  /** Default 200. */
  status?: number;
  /** Compress the body (`gzip`, `deflate`, `br`) and say so in `Content-Encoding`. */
  contentEncoding?: ContentEncoding;
}

/** `mock.hugeBody`: a generated JSON body of `bytes` bytes, streamed (optionally compressed); once by default. */
export function hugeBodyRule(
  path: string,
  bytes: number,
  options: HugeBodyOptions = {},
): FaultRule {
  const response: FaultResponse = { status: options.status ?? 200, body_bytes: bytes };
  if (options.contentEncoding !== undefined) response.content_encoding = options.contentEncoding;
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action: 'respond',
    response,
  };
}

/** `mock.resetAfter` / `mock.stallAfter`: the normal answer, cut after `bytes` body bytes; once by default. */
export function cutAfterRule(
  path: string,
  bytes: number,
  action: 'reset' | 'hang',
  options: FaultTimesOptions = {},
): FaultRule {
  return {
    match: { path },
    times: options.times === undefined ? 1 : options.times,
    action,
    after_bytes: bytes,
  };
}
