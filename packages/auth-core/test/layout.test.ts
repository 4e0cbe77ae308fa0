import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles } from '../../../test-utils/layout';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('layout', () => {
  it('has no import cycle among its source files', () => {
    expect(importCycles(root)).toEqual([]);
  });
});
