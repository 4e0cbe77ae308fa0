import { describe, expect, it } from 'vitest';
import { keysInOrder } from './ordered-json';

describe('keysInOrder', () => {
  const text =
    '{"status": "ok", "results": {"a": [1, {"x": "y"}], "organizations": {"300": {"name": "Z \\"quoted\\" , }"}, "20": {"id": 20}, "b": 1}}}';

  it('reads the document order that JSON.parse loses', () => {
    expect(Object.keys(JSON.parse(text).results.organizations)).toEqual(['20', '300', 'b']);
    expect(keysInOrder(text, ['results', 'organizations'])).toEqual(['300', '20', 'b']);
  });

  it('returns null for a missing path or invalid JSON, [] for an empty object', () => {
    expect(keysInOrder(text, ['organizations'])).toBeNull();
    expect(keysInOrder('{"a": {}}', ['a'])).toEqual([]);
    expect(keysInOrder('{oops', ['a'])).toBeNull();
  });
});
