import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runReadmeExample } from '../../../test-utils/package-checks';

it('the README example prints what the README says', () => {
  const { expected, actual } = runReadmeExample(
    join(dirname(fileURLToPath(import.meta.url)), '..'),
  );
  expect(expected).toHaveLength(9);
  expect(actual).toEqual(expected);
});
