import type { Account, AuthHeaderOptions } from './account';
import { ValidationError } from './errors';
import {
  ACCOUNT_TYPES,
  type AccountName,
  isProjectId,
  isWorkspaceId,
  type ProjectId,
  type Region,
  type WorkspaceId,
} from './scalars';
import { toSnakeJSON } from './snake';
import type { TokenResolver } from './token-resolver';

const invalid = (message: string, path: string) =>
  new ValidationError(message, { details: { path } });

/** Throws unless `value` is absent, null, or passes `ok`. */
function optional(
  value: unknown,
  ok: (value: unknown) => boolean,
  type: string,
  where: string,
  path: string,
): void {
  if (value != null && !ok(value)) throw invalid(`${where}.${path} must be ${type} or null.`, path);
}
const isString = (value: unknown) => typeof value === 'string';

export interface ProjectInit {
  id: string;
  name?: string | null | undefined;
  organizationId?: number | null | undefined;
  timezone?: string | null | undefined;
}

/** A Mixpanel project. Built from a bare id it has only `id`; `/me` fills the rest. */
export class Project {
  readonly id: ProjectId;
  readonly name: string | null;
  readonly organizationId: number | null;
  readonly timezone: string | null;
  constructor(init: ProjectInit) {
    if (!isProjectId(init.id)) {
      throw invalid(`Invalid project ID: '${String(init.id)}'. Must match \`^\\d+$\`.`, 'id');
    }
    optional(init.name, isString, 'a string', 'Project', 'name');
    optional(init.organizationId, Number.isSafeInteger, 'an integer', 'Project', 'organizationId');
    optional(init.timezone, isString, 'a string', 'Project', 'timezone');
    this.id = init.id;
    this.name = init.name ?? null;
    this.organizationId = init.organizationId ?? null;
    this.timezone = init.timezone ?? null;
    Object.freeze(this);
  }
  toJSON() {
    return toSnakeJSON(this);
  }
}

export interface WorkspaceRefInit {
  id: number;
  name?: string | null | undefined;
  isDefault?: boolean | null | undefined;
  projectId?: string | null | undefined;
}

/** A workspace of a project, by id (named so it does not clash with the `Workspace` facade). */
export class WorkspaceRef {
  readonly id: WorkspaceId;
  readonly name: string | null;
  readonly isDefault: boolean | null;
  readonly projectId: ProjectId | null;
  constructor(init: WorkspaceRefInit) {
    if (!isWorkspaceId(init.id)) {
      throw invalid(`Invalid workspace ID: ${String(init.id)}. Must be > 0.`, 'id');
    }
    if (init.projectId != null && !isProjectId(init.projectId)) {
      throw invalid(`Invalid project ID: '${init.projectId}'. Must match \`^\\d+$\`.`, 'projectId');
    }
    optional(init.name, isString, 'a string', 'WorkspaceRef', 'name');
    optional(
      init.isDefault,
      (v) => typeof v === 'boolean',
      'a boolean',
      'WorkspaceRef',
      'isDefault',
    );
    this.id = init.id;
    this.name = init.name ?? null;
    this.isDefault = init.isDefault ?? null;
    this.projectId = (init.projectId ?? null) as ProjectId | null;
    Object.freeze(this);
  }
  toJSON() {
    return toSnakeJSON(this);
  }
}

const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface SessionInit {
  account: Account;
  project: Project;
  workspace?: WorkspaceRef | null | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** What `Session.replace` takes: an absent (or undefined) key keeps, `workspace: null` clears. */
export interface SessionPatch {
  account?: Account | undefined;
  project?: Project | undefined;
  workspace?: WorkspaceRef | null | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** The resolved, immutable account + project + workspace used by one chain of API calls. */
export class Session {
  readonly account: Account;
  readonly project: Project;
  /** `null`: resolved lazily on the first call that needs one. */
  readonly workspace: WorkspaceRef | null;
  /** Custom request headers fixed at resolution time; frozen. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: SessionInit) {
    const { account, project, workspace = null } = init ?? ({} as SessionInit);
    // Shapes, not classes: objects from another installed copy of this package are fine.
    if (
      !(ACCOUNT_TYPES as readonly unknown[]).includes(
        (account as { type?: unknown } | undefined)?.type,
      )
    ) {
      throw invalid('Session.account must be an Account.', 'account');
    }
    if (!isProjectId((project as unknown as { id?: unknown } | undefined)?.id)) {
      throw invalid('Session.project must be a Project.', 'project');
    }
    if (workspace !== null && !isWorkspaceId((workspace as unknown as { id?: unknown })?.id)) {
      throw invalid('Session.workspace must be a WorkspaceRef or null.', 'workspace');
    }
    if (workspace?.projectId != null && workspace.projectId !== project.id) {
      throw invalid(
        `Workspace ${workspace.id} belongs to project ${workspace.projectId}, not to the session's project ${project.id}. Re-resolve the workspace under project ${project.id}.`,
        'workspace',
      );
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      if (typeof value !== 'string') throw invalid(`Header '${name}' must be a string.`, 'headers');
      headers[name] = value;
    }
    this.account = account;
    this.project = project;
    this.workspace = workspace;
    // An already frozen map (another Session's, through `replace`) is kept as is: nobody can change it.
    this.headers =
      init.headers && Object.isFrozen(init.headers) ? init.headers : Object.freeze(headers);
    Object.freeze(this);
  }

  get projectId(): ProjectId {
    return this.project.id;
  }
  get workspaceId(): WorkspaceId | null {
    return this.workspace?.id ?? null;
  }
  get region(): Region {
    return this.account.region;
  }
  get accountName(): AccountName {
    return this.account.name;
  }

  /** The `Authorization` value; the resolver is ignored for service accounts. */
  authHeader(resolver?: TokenResolver | AuthHeaderOptions): Promise<string> {
    return this.account.authHeader(resolver);
  }

  /**
   * A new Session with some axes swapped. A key that is absent (or
   * `undefined`) keeps the current value; `workspace: null` clears the
   * workspace; `headers: {}` clears every header. Re-validates like the
   * constructor; untouched axes keep object identity.
   */
  replace(patch: SessionPatch = {}): Session {
    const pick = <K extends keyof SessionPatch>(key: K) =>
      Object.hasOwn(patch, key) && patch[key] !== undefined ? patch[key] : this[key];
    return new Session({
      account: pick('account') as Account,
      project: pick('project') as Project,
      workspace: pick('workspace') as WorkspaceRef | null,
      headers: pick('headers') as Record<string, string>,
    });
  }

  /** Deep structural equality, secrets compared by value. */
  equals(other: unknown): boolean {
    return (
      other instanceof Session &&
      this.account.equals(other.account) &&
      sameJSON(this.project, other.project) &&
      sameJSON(this.workspace, other.workspace) &&
      sameJSON(sortedEntries(this.headers), sortedEntries(other.headers))
    );
  }

  /** Plain JSON; the account's secrets render as `**********`. */
  toJSON() {
    return {
      account: this.account.toJSON(),
      project: this.project.toJSON(),
      workspace: this.workspace?.toJSON() ?? null,
      headers: { ...this.headers },
    };
  }
}

const sortedEntries = (record: Readonly<Record<string, string>>) =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The persisted `[active]` block. */
export interface ActiveSession {
  readonly account?: string;
  readonly workspace?: number;
}

/** A saved `[targets.NAME]` block: account + project (+ workspace). */
export interface Target {
  readonly name: string;
  readonly account: string;
  readonly project: ProjectId;
  readonly workspace?: WorkspaceId;
}
