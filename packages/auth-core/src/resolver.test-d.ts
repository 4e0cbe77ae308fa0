import { describe, expectTypeOf, it } from 'vitest';
import { checkTargetExclusive, type ResolveParams, type UseOptions } from './resolver';

declare const maybeTarget: string | undefined;
declare const maybeAccount: string | undefined;

describe('UseOptions', () => {
  it('takes a target alone, or any of account, project and workspace', () => {
    expectTypeOf({ target: 'prod' }).toExtend<UseOptions>();
    expectTypeOf({ account: 'ops', project: '5', workspace: 7 }).toExtend<UseOptions>();
    expectTypeOf({}).toExtend<UseOptions>();
    const choices: UseOptions[] = [
      { target: 'prod' },
      { account: 'ops' },
      { project: '5', workspace: 7 },
      { account: undefined, target: undefined },
    ];
    expectTypeOf(choices).items.toEqualTypeOf<UseOptions>();
  });

  it('does not let a target travel with an account, project or workspace', () => {
    // @ts-expect-error target with project
    const a: UseOptions = { target: 'prod', project: '5' };
    // @ts-expect-error target with account
    const b: UseOptions = { target: 'prod', account: 'ops' };
    // @ts-expect-error target with workspace
    const c: UseOptions = { target: 'prod', workspace: 7 };
    // @ts-expect-error a target and an account that may both be set must be narrowed first
    const d: UseOptions = { target: maybeTarget, account: maybeAccount };
    expectTypeOf([a, b, c, d]).items.toEqualTypeOf<UseOptions>();
    expectTypeOf({ target: 'prod', project: '5' }).not.toExtend<UseOptions>();
  });

  it('narrows on target', () => {
    const check = (choice: UseOptions) => {
      if (choice.target !== undefined) expectTypeOf(choice.account).toEqualTypeOf<undefined>();
      else expectTypeOf(choice.account).toEqualTypeOf<string | undefined>();
    };
    expectTypeOf(check).parameter(0).toEqualTypeOf<UseOptions>();
  });

  it('keeps the runtime check open to unchecked input', () => {
    expectTypeOf(checkTargetExclusive).parameter(0).toEqualTypeOf<ResolveParams>();
    checkTargetExclusive({ target: maybeTarget, account: maybeAccount });
  });
});
