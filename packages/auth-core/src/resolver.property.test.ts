import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSources, type Present, VALUES } from '../test/sources';
import { ACCOUNT_SOURCES, PROJECT_SOURCES, resolveSession, WORKSPACE_SOURCES } from './resolver';

const subset = <T>(list: readonly T[]) =>
  fc.subarray([...list]).map((picked) => list.filter((item) => picked.includes(item)));

/** Random source sets; a target never comes together with an explicit axis (that is an ArgumentError). */
const presentArb: fc.Arbitrary<Present> = fc
  .record({
    account: subset(ACCOUNT_SOURCES),
    project: subset(PROJECT_SOURCES),
    workspace: subset(WORKSPACE_SOURCES),
  })
  .filter((present) => {
    const all = [...present.account, ...present.project, ...present.workspace] as string[];
    return !(all.includes('target') && all.includes('param'));
  });

describe('resolver properties', () => {
  it('the winner of every axis is the highest-ranked source that supplies it', () => {
    fc.assert(
      fc.property(presentArb, (present) => {
        const { session, provenance } = resolveSession(buildSources(present));
        // Coupled sources (a target or bridge always names an account; env credentials
        // carry MP_PROJECT_ID) are added to what was asked for before ranking.
        const usesTarget = [present.account, present.project, present.workspace].some((l) =>
          l?.includes('target'),
        );
        const usesBridge = [present.account, present.project, present.workspace].some((l) =>
          l?.includes('bridge'),
        );
        const usesDirectory = [present.account, present.project, present.workspace].some((l) =>
          l?.includes('directory'),
        );
        const accountSources = ACCOUNT_SOURCES.filter(
          (s) =>
            present.account?.includes(s) ||
            (s === 'target' && usesTarget) ||
            (s === 'bridge' && usesBridge) ||
            (s === 'directory' && usesDirectory),
        );
        const expectedAccount = accountSources[0] ?? 'active';
        const explicitProject = PROJECT_SOURCES.filter(
          (s) =>
            s !== 'default' &&
            (present.project?.includes(s) ||
              (s === 'target' && usesTarget) ||
              (s === 'directory' && usesDirectory) ||
              (s === 'env' && present.account?.includes('env'))),
        );
        // Accounts carry default_project '500' when asked, or as the baseline when nothing
        // else supplies a project; the env-synthesised account never has one.
        const hasDefault =
          expectedAccount !== 'env' &&
          (present.project?.includes('default') || !explicitProject.length);
        const projectSources = hasDefault
          ? [...explicitProject, 'default' as const]
          : explicitProject;
        expect(provenance.account.source).toBe(expectedAccount);
        expect(session.account.name).toBe(VALUES.account[expectedAccount]);
        expect(provenance.project.source).toBe(projectSources[0]);
        expect(session.projectId).toBe(VALUES.project[projectSources[0]!]);
        expect(provenance.project.shadowed.map((s) => s.source)).toEqual(projectSources.slice(1));
        const workspaceSources = WORKSPACE_SOURCES.filter((s) => present.workspace?.includes(s));
        expect(provenance.workspace.source).toBe(workspaceSources[0] ?? null);
        expect(session.workspaceId).toBe(
          workspaceSources[0] ? VALUES.workspace[workspaceSources[0]] : null,
        );
        expect(provenance.workspace.shadowed.map((s) => s.source)).toEqual(
          workspaceSources.slice(1),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same sources give equal Sessions and provenance', () => {
    fc.assert(
      fc.property(presentArb, (present) => {
        const first = resolveSession(buildSources(present));
        const second = resolveSession(buildSources(present));
        expect(first.session.equals(second.session)).toBe(true);
        expect(first.provenance).toEqual(second.provenance);
      }),
      { numRuns: 200 },
    );
  });

  it('changing only the project or workspace input never changes the account (or project)', () => {
    fc.assert(
      fc.property(
        presentArb,
        fc.stringMatching(/^[0-9]{1,9}$/),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (present, projectId, workspaceId) => {
          const sources = buildSources(present);
          if (sources.params?.target !== undefined) return;
          const base = resolveSession(sources).session;
          const withProject = resolveSession({
            ...sources,
            params: { ...sources.params, project: projectId },
          }).session;
          const withWorkspace = resolveSession({
            ...sources,
            params: { ...sources.params, workspace: workspaceId },
          }).session;
          expect(withProject.account.equals(base.account)).toBe(true);
          expect(withWorkspace.account.equals(base.account)).toBe(true);
          expect(withWorkspace.projectId).toBe(base.projectId);
        },
      ),
      { numRuns: 200 },
    );
  });
});
