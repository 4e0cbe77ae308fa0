import {
  ConfigError,
  type Env,
  type MeResponse,
  ProjectNotFoundError,
} from '@mixpanel-data/auth-core';

export interface ProjectChoice {
  readonly id: string;
  readonly name: string;
  readonly organization: string | null;
  readonly domain: string | null;
  /** `ORG · PROJECT` when the account sees several organizations, else the project name. */
  readonly label: string;
}

/** The /me projects in picker order (docs/cli.md#project-selection): organization name, then project name; unknown organizations last. */
export function projectChoices(me: MeResponse): ProjectChoice[] {
  const orgs = me.organizations ?? {};
  const entries = Object.entries(me.projects ?? {}).map(([id, project]) => ({
    id,
    name: project.name,
    organization: orgs[String(project.organization_id)]?.name ?? null,
    domain: project.domain ?? null,
  }));
  const several = new Set(entries.map((entry) => entry.organization)).size > 1;
  const lower = (text: string | null) => (text ?? '').toLowerCase();
  return entries
    .sort(
      (a, b) =>
        Number(a.organization === null) - Number(b.organization === null) ||
        lower(a.organization).localeCompare(lower(b.organization)) ||
        lower(a.name).localeCompare(lower(b.name)) ||
        (a.id < b.id ? -1 : 1),
    )
    .map((entry) => ({
      ...entry,
      label: several && entry.organization ? `${entry.organization} · ${entry.name}` : entry.name,
    }));
}

/** The projects of a `/me` payload as lines `  - ID : NAME (DOMAIN)`, in picker order. */
export const listProjects = (me: MeResponse) =>
  projectChoices(me)
    .map((choice) => `  - ${choice.id} : ${choice.name} (${choice.domain ?? 'no domain'})`)
    .join('\n');

/**
 * The project for a new login (docs/cli.md#project-selection): `--project` (must be visible,
 * else ProjectNotFoundError), `MP_PROJECT_ID` (must be visible, else
 * ConfigError), the only one, none, or the `pick` callback's choice when
 * there are several (no callback → ConfigError listing them).
 */
export async function chooseProject(
  me: MeResponse,
  options: {
    explicit?: string | undefined;
    env?: Env | undefined;
    pick?: ((choices: ProjectChoice[]) => Promise<ProjectChoice>) | undefined;
  },
): Promise<string | null> {
  const ids = Object.keys(me.projects ?? {});
  if (options.explicit !== undefined) {
    if (!ids.includes(options.explicit))
      throw ProjectNotFoundError.forProject(options.explicit, [...ids].sort());
    return options.explicit;
  }
  const fromEnv = (options.env ?? process.env).MP_PROJECT_ID;
  if (fromEnv) {
    if (ids.includes(fromEnv)) return fromEnv;
    throw new ConfigError(
      `MP_PROJECT_ID=${fromEnv} is not visible to this account.\n\nAccessible projects:\n${listProjects(me)}\n\nEither unset MP_PROJECT_ID, or pass --project ID with a visible value. (The resolver reads MP_PROJECT_ID first, so a stale value would shadow the account's project.)`,
      { details: { env_var: 'MP_PROJECT_ID', value: fromEnv } },
    );
  }
  if (ids.length <= 1) return ids[0] ?? null;
  if (!options.pick) {
    throw new ConfigError(
      `Multiple projects accessible to this account; no default could be picked.\n\n${listProjects(me)}\n\nPass --project ID to select one explicitly, or set MP_PROJECT_ID.`,
    );
  }
  return (await options.pick(projectChoices(me))).id;
}
