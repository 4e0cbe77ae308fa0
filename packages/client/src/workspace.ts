import {
  type Account,
  type ActiveSession,
  ArgumentError,
  basicAuthHeader,
  buildUrl,
  ConfigError,
  checkTargetExclusive,
  type MeResponse,
  NoWorkspacesError,
  type OAuthTokenAccount,
  Project,
  type PublicWorkspace,
  parseEventNames,
  parsePublicWorkspaces,
  QueryError,
  type Region,
  type Resolution,
  resolveBaseUrlOverride,
  resolveUse,
  type Session,
  type TokenResolver,
  type UseOptions,
  WorkspaceRef,
} from '@mixpanel-data/auth-core';
import { materializeBridgeTokens } from '@mixpanel-data/bridge';
import { resolveApiUrl } from './api-url';
import { fetchMe, MeDiskCache } from './me-service';
import { parseNdjson } from './ndjson';
import {
  checkDateRange,
  checkSegmentationRequest,
  localDate,
  normalizeOn,
  type SegmentationResult,
  type SegmentationUnit,
  segmentationResult,
} from './segmentation';
import { type ClientOptions, Context, resolveFromSources } from './sources';
import {
  type CallOptions,
  MixpanelApiClient,
  type StreamedResponse,
  type StreamOptions,
} from './transport';
import { QUERY_ORIGIN } from './version';

/** What `exportEvents()` and `exportEventsRaw()` take (docs/http.md#export-events). */
export interface ExportOptions {
  /** First day, `YYYY-MM-DD` (in the project's time zone). */
  fromDate: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  toDate: string;
  /** Only these event names (sent as a JSON array). */
  event?: string | readonly string[] | undefined;
  /** A segmentation expression, such as `properties["$os"] == "iOS"`. */
  where?: string | undefined;
  /** At most this many events. */
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Fail when no bytes arrive for this long. Default: the request timeout. */
  idleTimeoutMs?: number | undefined;
}

/** One event of the raw export: its name and properties, as Mixpanel sent them. */
export interface ExportedEvent {
  readonly event: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * How a Workspace is built: the client options, then a `target` alone or any
 * of `account`, `project` and `workspace` (a target with an axis does not
 * compile, and throws ArgumentError at run time).
 */
export type WorkspaceOptions = WorkspaceSourceOptions & UseOptions;

/** The options of `new Workspace()` besides the session choice. */
export interface WorkspaceSourceOptions extends ClientOptions {
  /** A ready Session: every other source is ignored (no config, no bridge, no file read). */
  session?: Session | undefined;
  /** Use this project when nothing else supplies one (e.g. `"0"` for account-level calls like `/me`). */
  fallbackProject?: string | undefined;
  /**
   * The `mp` command's rule: `MP_TARGET` and `MP_ACCOUNT` act as defaults of
   * `target` and `account` (see docs/resolution.md). Off by default: a
   * program's Workspace reads neither variable.
   */
  envDefaults?: boolean | undefined;
}

/** What `Workspace.whoami()` returns: who the Workspace acts as, and how its credentials were checked. */
export interface Whoami {
  readonly account: { name: string; type: Account['type']; region: Account['region'] };
  /** Null when no project resolves. */
  readonly project: { id: string; name: string | null } | null;
  /** The pinned workspace, or null (resolved on the first workspace-scoped call). */
  readonly workspace: { id: number; name: string | null } | null;
  readonly user: { email: string } | null;
  /** `cache`: a fresh `/me` cache counted as the check; `me`: `/me` answered now. */
  readonly checked: 'cache' | 'me';
}

/** What `Workspace.use()` takes: a target alone, or any of account, project and workspace. */
export type UseSwitch = UseOptions & {
  /** Also write the result to config.toml (before switching; on failure nothing changes). */
  persist?: boolean | undefined;
};

/** For each axis, where its value came from and what it shadowed, plus the bridge file in effect. */
export interface Explanation {
  readonly provenance: Resolution['provenance'];
  readonly bridgePath: string | null;
  readonly warnings: readonly string[];
}

/** A path tail without its leading slashes. */
const trimSlashes = (path: string) => path.replace(/^\/+/, '');

/**
 * A Mixpanel workspace for a program: one resolved Session (account,
 * project, workspace), switched in place with `use()`, and the calls made
 * with it. Construction and switching are synchronous and do no network I/O.
 */
export class Workspace {
  readonly #context: Context;
  readonly #client: MixpanelApiClient;
  readonly #resolver: TokenResolver;
  #meDiskCache: MeDiskCache | null = null;
  readonly #override: ReturnType<typeof resolveBaseUrlOverride>;
  #resolution: Resolution;
  #bridgePath: string | null = null;
  #bypass: boolean;
  #me: { account: string; value: MeResponse; raw: MeResponse } | null = null;
  #resolvedWorkspace: WorkspaceRef | null = null;
  #eventsCache: Map<string, string[]> | null = null;

  constructor(options: WorkspaceOptions = {}) {
    this.#context = new Context(options);
    const env = this.#context.env;
    const override = resolveBaseUrlOverride(options.baseUrl, env);
    this.#bypass = options.session !== undefined;
    let bridged: { accountName: string; path: string } | undefined;
    if (options.session) {
      if (options.target !== undefined) checkTargetExclusive(options);
      this.#resolution = Object.freeze({
        session: options.session,
        provenance: Object.freeze({
          account: { source: 'param', value: options.session.account.name, shadowed: [] },
          project: { source: 'param', value: options.session.projectId, shadowed: [] },
          workspace: options.session.workspace
            ? { source: 'param', value: options.session.workspace.id, shadowed: [] }
            : { source: null, value: null, shadowed: [] },
        }),
      }) as Resolution;
    } else {
      const sources = this.#context.sources();
      const params = {
        account: options.account,
        project: options.project,
        workspace: options.workspace,
        target: options.target,
        fallbackProject: options.fallbackProject,
      };
      this.#bridgePath = sources.bridge?.path ?? null;
      this.#resolution = resolveFromSources(sources, params, options.envDefaults === true);
      if (sources.bridge && this.#resolution.provenance.account.source === 'bridge') {
        materializeBridgeTokens(sources.bridge.bridge, this.#context.tokenStore);
        bridged = { accountName: sources.bridge.bridge.account.name, path: sources.bridge.path };
      }
    }
    const context = this.#context;
    this.#resolver = new LazyResolver(() => context.tokenResolver(bridged));
    this.#client = new MixpanelApiClient({
      ...options,
      session: this.#resolution.session,
      tokenResolver: this.#resolver,
      override,
      env: () => context.env,
    });
    this.#override = override;
  }

  /** The `/me` disk cache, built on first use (a Workspace that never asks `/me` reads no file). */
  get #meDisk(): MeDiskCache {
    this.#meDiskCache ??= new MeDiskCache({
      store: this.#context.tokenStore,
      override: this.#override,
      onWarning: this.#context.options.onWarning,
    });
    return this.#meDiskCache;
  }

  get #events(): Map<string, string[]> {
    this.#eventsCache ??= new Map();
    return this.#eventsCache;
  }

  get session(): Session {
    return this.#resolution.session;
  }
  get account(): Account {
    return this.session.account;
  }
  get project(): Project {
    return this.session.project;
  }
  /** The pinned workspace, or null (a lazily resolved one is not written here). */
  get workspace(): WorkspaceRef | null {
    return this.session.workspace;
  }
  /** The HTTP transport; the same object for the life of this Workspace. */
  get transport(): MixpanelApiClient['transport'] {
    return this.#client.transport;
  }
  /** The API client (for calls this class does not wrap). */
  get client(): MixpanelApiClient {
    return this.#client;
  }

  /** Where each axis came from, what it shadowed, and notes worth showing a person. */
  explain(): Explanation {
    const { provenance } = this.#resolution;
    const warnings: string[] = [];
    const shadowedNames = provenance.account.shadowed.map(
      (entry) => `${entry.value} (${entry.source})`,
    );
    if (provenance.account.source === 'env' && shadowedNames.length) {
      warnings.push(
        `Environment credentials (${provenance.account.value}) override ${shadowedNames.join(', ')}.`,
      );
    }
    if (provenance.account.source === 'bridge' && this.#bridgePath) {
      warnings.push(
        `A bridge file at ${this.#bridgePath} overrides the active account; see \`mp session --bridge\`.`,
      );
    }
    return Object.freeze({
      provenance,
      bridgePath: this.#bridgePath,
      warnings: Object.freeze(warnings),
    });
  }

  /**
   * Switches axes in place and returns this Workspace (docs/resolution.md#switching-with-use): the new
   * account's credentials are checked locally first, `persist` writes first,
   * and on any error nothing changes. The transport is kept.
   */
  use(options: UseSwitch = {}): this {
    const { persist = false, ...axes } = options;
    const needsSources = axes.account !== undefined || axes.target !== undefined;
    const sources = needsSources ? this.#context.sources() : { env: this.#context.env };
    const next = resolveUse(this.#resolution, axes, {
      env: sources.env,
      ...('config' in sources
        ? {
            config: sources.config,
            bridge: sources.bridge?.bridge ?? null,
            directory: sources.directory,
          }
        : {}),
    });
    const accountChanged =
      next.session.account !== this.session.account &&
      !next.session.account.equals(this.session.account);
    if (accountChanged) this.#checkCredentials(next.session.account);
    if (persist) this.#persist(next.session);
    // docs/http.md#transport-reuse: every swap drops the /me memory and discovery caches; an
    // account, project or target swap also drops the resolved workspace.
    const projectSwapped =
      accountChanged ||
      axes.account !== undefined ||
      axes.project !== undefined ||
      axes.target !== undefined ||
      next.session.projectId !== this.session.projectId;
    this.#resolution = next;
    this.#client.setSession(next.session);
    this.#eventsCache = null;
    this.#me = null;
    if (projectSwapped) this.#resolvedWorkspace = null;
    if (next.session.workspace) this.#resolvedWorkspace = next.session.workspace;
    return this;
  }

  /** The local-only credential check of docs/resolution.md#atomicity (no network). */
  #checkCredentials(account: Account): void {
    if (account.type === 'service_account') basicAuthHeader(account);
    else if (account.type === 'oauth_token') this.#resolver.getStaticToken(account);
    else this.#resolver.assertBrowserTokenAvailable(account.name, account.region);
  }

  #persist(session: Session): void {
    const store = this.#context.configStore;
    if (!store.read().hasAccount(session.account.name)) {
      throw new ConfigError(
        `Cannot set active account: '${session.account.name}' is not configured.`,
        { details: { account_name: session.account.name } },
      );
    }
    store.applySession({
      account: session.account.name,
      project: session.projectId,
      ...(session.workspace ? { workspace: session.workspace.id } : { clearWorkspace: true }),
    });
  }

  // ---------------------------------------------------------------- /me

  /** The `/me` payload: memory, then the 24 h disk cache, then the network (docs/http.md#me-service). */
  async me(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<MeResponse> {
    return (await this.#meFrom(options)).me;
  }

  /** `me()`, and whether the answer came from a cache (memory or disk) rather than a `/me` call now. */
  async #meFrom(
    options: { forceRefresh?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<{ me: MeResponse; cached: boolean }> {
    const account = this.account;
    if (!options.forceRefresh) {
      if (this.#me?.account === account.name) return { me: this.#me.value, cached: true };
      const cached = this.#meDisk.get(account);
      if (cached) {
        this.#me = { account: account.name, value: cached, raw: cached };
        return { me: cached, cached: true };
      }
    }
    // A failed or unusable answer throws here, before the cache is touched.
    const parsed = (await fetchMe(this.#client, { signal: options.signal })).me;
    this.#meDisk.put(account, parsed);
    this.#me = { account: account.name, value: parsed, raw: parsed };
    return { me: parsed, cached: false };
  }

  /**
   * Who this Workspace acts as (`mp whoami`, docs/cli.md#mp-whoami): the
   * resolved account, project and workspace with their names from `/me`, and
   * the user's email. It checks the credentials: locally first (a browser
   * account must hold tokens), then through `me()`, where a fresh 24 h cache
   * counts as working credentials and otherwise `/me` is called (`refresh`
   * always calls it). Rejected credentials throw (AuthenticationError,
   * OAuthError). The project is null when only a `fallbackProject` resolved.
   */
  async whoami(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<Whoami> {
    const account = this.account;
    this.#checkCredentials(account);
    const { me, cached } = await this.#meFrom({
      forceRefresh: options.refresh ?? false,
      signal: options.signal,
    });
    const fallback =
      this.#resolution.provenance.project.source === 'default' &&
      account.defaultProject === undefined;
    const projectId = this.project.id;
    const workspace = this.workspace;
    return Object.freeze({
      account: { name: account.name, type: account.type, region: account.region },
      project: fallback ? null : { id: projectId, name: me.projects?.[projectId]?.name ?? null },
      workspace: workspace
        ? { id: workspace.id, name: me.workspaces?.[String(workspace.id)]?.name ?? null }
        : null,
      user: typeof me.user_email === 'string' ? { email: me.user_email } : null,
      checked: cached ? 'cache' : 'me',
    });
  }

  /** The projects the account can see, sorted by name (case-insensitive), then id. */
  async projects(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<Project[]> {
    const me = await this.me({
      forceRefresh: options.refresh ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return Object.entries(me.projects ?? {})
      .map(
        ([id, project]) =>
          new Project({
            id,
            name: project.name,
            organizationId: project.organization_id,
            timezone: project.timezone ?? null,
          }),
      )
      .sort(byNameThenId);
  }

  /**
   * The workspaces of a project (default: the session's) from `/me`, sorted
   * by name, then id; `projectAll: true` lists those of every project (with
   * their `projectId`).
   */
  async workspaces(
    options: {
      projectId?: string;
      projectAll?: boolean;
      refresh?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<WorkspaceRef[]> {
    const projectId = options.projectId ?? this.session.projectId;
    if (!options.projectAll && !/^[0-9]+$/.test(projectId)) {
      throw new ConfigError(`Project ID must be numeric, got '${projectId}'.`, {
        details: { project_id: projectId },
      });
    }
    const me = await this.me({
      forceRefresh: options.refresh ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return Object.values(me.workspaces ?? {})
      .filter((workspace) => options.projectAll || workspace.project_id === Number(projectId))
      .map(
        (workspace) =>
          new WorkspaceRef({
            id: workspace.id,
            name: workspace.name,
            isDefault: workspace.is_default ?? null,
            ...(options.projectAll ? { projectId: String(workspace.project_id) } : {}),
          }),
      )
      .sort((a, b) =>
        byNameThenId({ name: a.name, id: String(a.id) }, { name: b.name, id: String(b.id) }),
      );
  }

  // --------------------------------------------------------- workspaces

  /** `GET /projects/{pid}/workspaces/public`, in server order. */
  async listWorkspaces(options: { signal?: AbortSignal } = {}): Promise<PublicWorkspace[]> {
    const body = await this.#client.app(
      'GET',
      `/projects/${this.session.projectId}/workspaces/public`,
      options,
    );
    return parsePublicWorkspaces(body);
  }

  /** The pinned workspace, else the cached resolution, else the project's default (one request). */
  async resolveWorkspace(options: { signal?: AbortSignal } = {}): Promise<WorkspaceRef> {
    if (this.session.workspace) return this.session.workspace;
    if (this.#resolvedWorkspace) return this.#resolvedWorkspace;
    const projectId = this.session.projectId;
    const items = await this.listWorkspaces(options);
    const chosen = items.find((item) => item.is_default === true) ?? items[0];
    if (!chosen) {
      throw new NoWorkspacesError(
        `No workspaces found for project '${projectId}'; make sure you can access at least one, or pass --workspace ID.`,
        { details: { project_id: projectId } },
      );
    }
    if (this.session.projectId === projectId) {
      this.#resolvedWorkspace = new WorkspaceRef({
        id: chosen.id,
        name: chosen.name,
        isDefault: chosen.is_default,
      });
    }
    return new WorkspaceRef({ id: chosen.id, name: chosen.name, isDefault: chosen.is_default });
  }

  async resolveWorkspaceId(options: { signal?: AbortSignal } = {}): Promise<number> {
    return (await this.resolveWorkspace(options)).id;
  }

  /**
   * App-API paths (docs/http.md#project-and-workspace-parameters). `domain` is the rest of the path, with or
   * without a leading slash. Project-scoped: `/projects/{pid}/<domain>`.
   */
  projectPath(domain: string): string {
    return `/projects/${this.session.projectId}/${trimSlashes(domain)}`;
  }

  /**
   * `/workspaces/{wid}/<domain>` when a workspace is pinned on the session,
   * else the project-scoped path. Never resolves a workspace.
   */
  workspaceIfPinnedPath(domain: string): string {
    const pinned = this.session.workspaceId;
    return pinned === null
      ? this.projectPath(domain)
      : `/workspaces/${pinned}/${trimSlashes(domain)}`;
  }

  /** `/projects/{pid}/workspaces/{wid}/<domain>`, resolving the workspace lazily when none is pinned. */
  async workspacePath(domain: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    const id = await this.resolveWorkspaceId(options);
    return `/projects/${this.session.projectId}/workspaces/${id}/${trimSlashes(domain)}`;
  }

  // ------------------------------------------------------------ queries

  /**
   * Event names of the project, sorted by code point (docs/http.md#events). Defaults:
   * limit 5000, from 2000-01-01, to today (local). A 403 "exceeds N days"
   * without an explicit `fromDate` is retried once from today − N days.
   */
  async events(
    options: { limit?: number; fromDate?: string; toDate?: string; signal?: AbortSignal } = {},
  ): Promise<string[]> {
    const key = JSON.stringify([options.limit, options.fromDate, options.toDate]);
    const cached = this.#events.get(key);
    if (cached) return [...cached];
    const now = new Date();
    const params = {
      type: 'general',
      limit: options.limit ?? 5000,
      from_date: options.fromDate ?? '2000-01-01',
      to_date: options.toDate ?? localDate(now),
    };
    let body: unknown;
    try {
      body = await this.#client.query('GET', '/events/names', { params, signal: options.signal });
    } catch (error) {
      const days = options.fromDate === undefined ? allowedHistoryDays(error) : null;
      if (days === null) throw error;
      const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
      body = await this.#client.query('GET', '/events/names', {
        params: { ...params, from_date: localDate(from) },
        signal: options.signal,
      });
    }
    const names = parseEventNames(body).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.#events.set(key, names);
    return [...names];
  }

  /** Counts of one event over time, optionally split by a property (docs/http.md#segmentation). */
  async segmentation(
    event: string,
    options: {
      fromDate: string;
      toDate: string;
      on?: string;
      unit?: SegmentationUnit;
      where?: string;
      signal?: AbortSignal;
    },
  ): Promise<SegmentationResult> {
    checkSegmentationRequest(event, options);
    const unit = options.unit ?? 'day';
    const body = await this.#client.query('GET', '/segmentation', {
      params: {
        event,
        from_date: options.fromDate,
        to_date: options.toDate,
        unit,
        type: 'general',
        on: options.on ? normalizeOn(options.on) : undefined,
        where: options.where || undefined,
      },
      signal: options.signal,
    });
    return segmentationResult(
      {
        event,
        fromDate: options.fromDate,
        toDate: options.toDate,
        unit,
        segmentProperty: options.on || null,
      },
      body,
    );
  }

  /**
   * An authenticated call to any Mixpanel URL (a path is taken relative to the
   * region's origin). The URL's own query is kept; `params` add to it. The body
   * is `json` (docs/http.md#escape-hatch-request names it `jsonBody`; both are accepted) or `form`.
   */
  async request(
    method: string,
    url: string,
    options: CallOptions & { jsonBody?: unknown } = {},
  ): Promise<unknown> {
    const { jsonBody, ...rest } = options;
    if (jsonBody !== undefined && rest.json !== undefined) {
      throw new ArgumentError('Pass the body as `json` or as `jsonBody`, not both.', {
        argumentNames: ['json', 'jsonBody'],
      });
    }
    return this.#client.request(
      method,
      url,
      jsonBody === undefined ? rest : { ...rest, json: jsonBody },
    );
  }

  /**
   * Any Mixpanel endpoint, its successful answer unread (docs/http.md#streamed-responses):
   * `target` is a path under `/api/query/`, `/api/app/` or `/api/2.0/export`, or an
   * https URL on the account's region host (anything else throws ArgumentError
   * before a request). The query and export families get `project_id` unless the
   * caller's params carry one; every call gets `query_origin`. Retries, the refresh
   * after a 401 and the error mapping apply before the first byte.
   */
  async requestStream(
    method: string,
    target: string,
    options: StreamOptions = {},
  ): Promise<StreamedResponse> {
    const { url, family } = resolveApiUrl(target, this.session.region, this.#override);
    const params = { ...options.params };
    if (family !== 'app' && params.project_id === undefined && !/[?&]project_id=/.test(url))
      params.project_id = this.session.projectId;
    return this.#client.stream(family, method, url, {
      ...options,
      params: { ...params, query_origin: QUERY_ORIGIN },
    });
  }

  /**
   * The raw export of events (docs/http.md#export-events), its body unread:
   * `GET /api/2.0/export` on the region's data host, for callers that pipe bytes.
   */
  async exportEventsRaw(options: ExportOptions): Promise<StreamedResponse> {
    checkDateRange(options);
    if (
      options.limit !== undefined &&
      (!Number.isSafeInteger(options.limit) || options.limit < 1)
    ) {
      throw new ArgumentError(
        `Invalid limit ${String(options.limit)}: use a positive whole number.`,
        {
          argumentNames: ['limit'],
        },
      );
    }
    const event = typeof options.event === 'string' ? [options.event] : options.event;
    return this.#client.stream(
      'export',
      'GET',
      buildUrl('export', this.session.region, '/export', this.#override),
      {
        params: {
          from_date: options.fromDate,
          to_date: options.toDate,
          event: event?.length ? JSON.stringify(event) : undefined,
          where: options.where || undefined,
          limit: options.limit,
          project_id: this.session.projectId,
        },
        signal: options.signal,
        idleTimeoutMs: options.idleTimeoutMs,
      },
    );
  }

  /**
   * The events of the raw export, parsed one at a time as the bytes arrive
   * (docs/http.md#export-events): constant memory, pull-based (a slow consumer
   * slows the download), leaving early cancels it. A failure mid-stream throws
   * `NetworkError` (`HTTP_ERROR`) and a line that is not JSON `InvalidResponseError`
   * (`INVALID_RESPONSE`, `details.line`): never a silently short result.
   */
  exportEvents(options: ExportOptions): AsyncIterableIterator<ExportedEvent> {
    // The request is sent on the first `next()`; its method and URL are named in a line's error.
    const source = { requestMethod: 'GET', requestUrl: '', statusCode: 200 };
    const raw = () => this.exportEventsRaw(options);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      const response = await raw();
      source.requestUrl = response.requestUrl;
      source.statusCode = response.status;
      yield* response.chunks();
    }
    return parseNdjson(chunks(), source) as AsyncIterableIterator<ExportedEvent>;
  }

  /** The persisted `[active]` block this Workspace was built from (null for a Session bypass). */
  activeSession(): ActiveSession | null {
    return this.#bypass ? null : this.#context.config().getActive();
  }
}

/**
 * The history limit a 403 from `/events/names` states in its body ("…
 * exceeds N days"), or null for any other failure. Read from the server's
 * response body, never from our own error message.
 */
function allowedHistoryDays(error: unknown): number | null {
  if (!QueryError.isInstance(error) || (error as QueryError).statusCode !== 403) return null;
  const body = (error as QueryError).responseBody;
  const text =
    typeof body === 'string'
      ? body
      : body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : '';
  const match = /exceeds\s+(\d+)\s+days/.exec(text);
  return match ? Number(match[1]) : null;
}

/** A TokenResolver built on first use (a service account's Workspace never builds one). */
class LazyResolver implements TokenResolver {
  #build: (() => TokenResolver) | null;
  #resolver: TokenResolver | null = null;
  constructor(build: () => TokenResolver) {
    this.#build = build;
  }
  get #it(): TokenResolver {
    if (!this.#resolver) {
      this.#resolver = this.#build!();
      this.#build = null;
    }
    return this.#resolver;
  }
  getBrowserToken(name: string, region: Region): Promise<string> {
    return this.#it.getBrowserToken(name, region);
  }
  getStaticToken(account: OAuthTokenAccount): string {
    return this.#it.getStaticToken(account);
  }
  assertBrowserTokenAvailable(name: string, region: Region): void {
    this.#it.assertBrowserTokenAvailable(name, region);
  }
  forceRefresh(name: string, region: Region, rejected: string): Promise<string> {
    return this.#it.forceRefresh(name, region, rejected);
  }
}

function byNameThenId(
  a: { name: string | null; id: string },
  b: { name: string | null; id: string },
): number {
  const an = (a.name ?? '').toLowerCase();
  const bn = (b.name ?? '').toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
