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
  /** a text body (`text/plain`). Neither: an empty body. */
  text?: string;
}

export type FaultAction = 'respond' | 'pass' | 'hang' | 'reset';

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
  /** Required for `"respond"`. */
  response?: FaultResponse;
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

function checkCount(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new FaultRuleProblem(`${where} must be a non-negative integer`);
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
  const response: FaultResponse = { status };
  if (value.headers !== undefined)
    response.headers = checkStringMap(value.headers, 'response.headers');
  if (value.json !== undefined && value.text !== undefined) {
    throw new FaultRuleProblem('give response.json or response.text, not both');
  }
  if (value.json !== undefined) response.json = structuredClone(value.json);
  if (value.text !== undefined) {
    if (typeof value.text !== 'string')
      throw new FaultRuleProblem('response.text must be a string');
    response.text = value.text;
  }
  return response;
}

const ACTIONS: readonly string[] = ['respond', 'pass', 'hang', 'reset'];
const RULE_KEYS: readonly string[] = ['match', 'skip', 'times', 'delay_ms', 'action', 'response'];

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
  return {
    id,
    match: normalizeMatch(input.match),
    skip: input.skip === undefined ? 0 : checkCount(input.skip, 'skip'),
    times: times === null ? null : checkCount(times, 'times'),
    delay_ms: input.delay_ms === undefined ? 0 : checkCount(input.delay_ms, 'delay_ms'),
    action: action as FaultAction,
    response: input.response === undefined ? null : normalizeResponse(input.response),
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
