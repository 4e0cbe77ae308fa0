import type * as v from 'valibot';

/** The first problem of a failed parse: a dotted field path and a message without the input value. */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

const echoable = new Set(['picklist', 'variant', 'literal']);

/**
 * Turns valibot's first issue into a short pydantic-style sentence. The
 * offending value is never copied (it may be a secret), except for enum-like
 * fields (region, type) where naming it is the point.
 */
export function firstProblem(issues: readonly v.BaseIssue<unknown>[]): Problem {
  const issue = issues[0];
  if (!issue) return { field: '', message: 'Invalid input' };
  const field = (issue.path ?? []).map((item) => String(item.key)).join('.');
  return { field, message: describe(issue) };
}

function describe(issue: v.BaseIssue<unknown>): string {
  const { type, expected, received } = issue;
  if (received === 'undefined' && issue.kind === 'schema') {
    return type === 'variant' && !issue.path?.length
      ? 'Input should be an object'
      : type === 'variant'
        ? untagged(String(issue.path?.at(-1)?.key))
        : 'Field required';
  }
  switch (type) {
    case 'strict_object':
    case 'object':
    case 'loose_object':
    case 'record':
      return expected === 'never'
        ? 'Extra inputs are not permitted'
        : expected === 'Object'
          ? 'Input should be an object'
          : 'Field required';
    case 'string':
    case 'union':
    case 'custom':
      return 'Input should be a valid string';
    case 'number':
    case 'integer':
    case 'safe_integer':
      return 'Input should be a valid integer';
    case 'boolean':
      return 'Input should be a valid boolean';
    case 'array':
      return 'Input should be a valid list';
    case 'regex':
      return `String should match pattern '${String(issue.requirement).slice(1, -1)}'`;
    case 'gt_value':
      return `Input should be greater than ${String(issue.requirement)}`;
    case 'min_length':
      return `String should have at least ${String(issue.requirement)} character`;
    default:
      if (echoable.has(type) && expected) {
        return `Input should be ${expected.replace(/^\(|\)$/g, '').replace(/ \| /g, ' or ')}, not ${received}`;
      }
      return issue.kind === 'validation' && type === 'check' ? issue.message : `Invalid value`;
  }
}

/** The problem of a record without its discriminator `key` (pydantic's words). */
export const untagged = (key: string) => `Unable to extract tag using discriminator '${key}'`;

/** `problem` rendered as "message (`field`)" — the form every parse error uses. */
export function problemText(problem: Problem): string {
  return problem.field ? `${problem.message} (\`${problem.field}\`)` : problem.message;
}
