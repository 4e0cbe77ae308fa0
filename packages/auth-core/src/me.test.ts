import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors';
import { parseEventNames, parseMeResponse, parsePublicWorkspaces } from './me';

const me = {
  user_id: 42,
  user_email: 'alice@example.com',
  user_name: 'Alice',
  organizations: { '100': { id: 100, name: 'Acme Corp', role: 'admin', permissions: ['x'] } },
  projects: {
    '3713224': {
      name: 'AI Demo',
      organization_id: 100,
      timezone: 'US/Pacific',
      has_workspaces: true,
      domain: 'mixpanel.com',
      type: 'PROJECT',
      future_field: { kept: true },
    },
  },
  workspaces: {
    '3448413': {
      id: 3448413,
      name: 'Default',
      project_id: 3713224,
      is_default: true,
      description: null,
      member_list: [],
    },
  },
  brand_new_top_level: 1,
};

describe('/me', () => {
  it('parses the spec example and keeps unknown fields', () => {
    const parsed = parseMeResponse(me);
    expect(parsed.user_email).toBe('alice@example.com');
    expect(parsed.projects['3713224']?.future_field).toEqual({ kept: true });
    expect((parsed as Record<string, unknown>).brand_new_top_level).toBe(1);
    expect(parsed.workspaces['3448413']?.is_default).toBe(true);
  });

  it('defaults the three maps to {}', () => {
    expect(parseMeResponse({})).toMatchObject({ organizations: {}, projects: {}, workspaces: {} });
  });

  it('accepts an integer project type code', () => {
    expect(
      parseMeResponse({ projects: { '1': { name: 'R', organization_id: 1, type: 3 } } }).projects[
        '1'
      ]?.type,
    ).toBe(3);
  });

  it.each([
    [{ projects: { '1': { organization_id: 1 } } }, 'projects.1.name'],
    [{ workspaces: { '9': { id: 9, name: 'W' } } }, 'workspaces.9.project_id'],
    [{ organizations: { '1': { id: '1', name: 'O' } } }, 'organizations.1.id'],
    [{ user_id: 'x' }, 'user_id'],
  ])('reports the first bad field of %j as a response ValidationError', (body, field) => {
    try {
      parseMeResponse(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).source).toBe('response');
      expect((error as ValidationError).details).toMatchObject({ source: 'response', path: field });
      expect((error as ValidationError).message).toContain(`(\`${field}\`)`);
    }
  });
});

describe('workspaces listing', () => {
  it('parses items in server order and requires a list', () => {
    const items = [
      { id: 2, name: 'B', project_id: 1, is_default: false },
      { id: 1, name: 'A', project_id: 1, is_default: true, created_iso: '2024-01-01' },
    ];
    expect(parsePublicWorkspaces(items).map((w) => w.id)).toEqual([2, 1]);
    expect(() => parsePublicWorkspaces({ results: items })).toThrow(
      /^Unexpected response format from Mixpanel \(workspaces\): .*valid list/,
    );
    expect(() => parseMeResponse([])).toThrow(/^Unexpected response format from Mixpanel \(\/me\)/);
    expect(() => parsePublicWorkspaces([{ id: 1, name: 'A', project_id: 1 }])).toThrow(
      /0\.is_default/,
    );
  });
});

describe('/me bodies that are not an object', () => {
  it.each([[null], [[]], ['text'], [42], [true]])(
    '%j is a response ValidationError, not an empty payload',
    (body) => {
      try {
        parseMeResponse(body);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).source).toBe('response');
        expect((error as ValidationError).message).toBe(
          'Unexpected response format from Mixpanel (/me): Input should be an object',
        );
      }
    },
  );
});

describe('event names', () => {
  it('are a list of strings, kept in server order', () => {
    expect(parseEventNames(['b', 'a'])).toEqual(['b', 'a']);
    expect(parseEventNames([])).toEqual([]);
  });

  it.each([
    [{ a: 1 }, 'Input should be a valid list'],
    [null, 'Input should be a valid list'],
    ['Login', 'Input should be a valid list'],
    [['Login', 3], 'Input should be a valid string (`1`)'],
  ])('%j is a response ValidationError', (body, problem) => {
    try {
      parseEventNames(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).source).toBe('response');
      expect((error as ValidationError).message).toBe(
        `Unexpected response format from Mixpanel (events/names): ${problem}`,
      );
    }
  });
});
