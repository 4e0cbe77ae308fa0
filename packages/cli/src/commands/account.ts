import { join, resolve } from 'node:path';
import {
  type AccountSummary,
  type AccountType,
  type AddAccountFields,
  ArgumentError,
  bridgeTimestamp,
  isRegion,
  loadBridge,
  type ProjectChoice,
  type Region,
  type UpdateAccountFields,
} from '@mixpanel-data/client';
import { UsageError } from '../args';
import type { CommandContext, Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Format, fromNow, printJson, printRecords, renderTable, tableWidth } from '../format';
import { err, type Io, out } from '../io';
import { promptSecret, readSecretFromStdin } from '../secrets';
import { confirm } from './confirm';
import { loginProgress, showAuthorizeHint } from './login-io';
import { pickProject } from './picker';

const TYPES = ['service_account', 'oauth_browser', 'oauth_token'] as const;
const isAccountType = (value: string): value is AccountType =>
  (TYPES as readonly string[]).includes(value);

export const ONBOARDING = [
  '(no accounts configured)',
  '',
  'Get started with one of:',
  '  mp login                       guided setup (browser; or service account / token from env)',
  '  mp account add NAME --type oauth_browser --region us   then   mp account login NAME',
  '  mp account add NAME --type service_account --username USER --region us --secret-stdin',
  '  export MP_OAUTH_TOKEN=… MP_REGION=us MP_PROJECT_ID=…   (static bearer, no config needed)',
];

/** Accounts as a table; on a terminal, long names are cut to fit it (docs/cli.md#tables). */
const accountTable = (io: Io, summaries: readonly AccountSummary[]) =>
  renderTable(
    ['NAME', 'TYPE', 'REGION', 'ACTIVE'],
    summaries.map((s) => [s.name, s.type, s.region, s.isActive ? '*' : '']),
    { width: tableWidth(io), cut: [0] },
  );

/**
 * Refuses an empty value for a text option: `--project ''` would otherwise
 * read as "not given" and change nothing without a word. `fixes` adds a
 * hint per option.
 */
function refuseEmpty(
  context: CommandContext,
  names: readonly string[],
  fixes: Readonly<Record<string, string>> = {},
): void {
  for (const name of names) {
    if (context.string(name)?.trim() === '') {
      throw new ArgumentError(`--${name} must not be empty${fixes[name] ?? ''}.`, {
        argumentNames: [name],
      });
    }
  }
}

function checkRegion(region: string | undefined): Region | undefined {
  if (region === undefined || isRegion(region)) return region;
  throw new ArgumentError(`Invalid --region: '${region}' (use us / eu / in)`, {
    argumentNames: ['region'],
  });
}

/** The secret of a service account: --secret-stdin, then MP_SECRET, then a no-echo prompt on a TTY. */
async function serviceSecret(context: CommandContext): Promise<string> {
  if (context.flag('secret-stdin')) return readSecretFromStdin(context.io);
  if (context.io.env.MP_SECRET) return context.io.env.MP_SECRET;
  if (context.io.stdin.isTTY) {
    const secret = await promptSecret(context.io, 'Service account secret: ');
    if (!secret) throw new ArgumentError('Secret is empty.', { argumentNames: ['secret'] });
    return secret;
  }
  throw new ArgumentError('Set MP_SECRET or use --secret-stdin to provide the secret.', {
    argumentNames: ['secret'],
  });
}

/**
 * The flags of `mp account update` as the fields of one account type. Flags
 * of two types, or a project set and cleared, are refused here; whether the
 * fields fit the account's own type is the store's check.
 */
function updateFields(flags: {
  region: Region | undefined;
  project: string | undefined;
  clearProject: boolean;
  username: string | undefined;
  secret: string | undefined;
  tokenEnv: string | undefined;
}): UpdateAccountFields {
  const { region, project, clearProject, username, secret, tokenEnv } = flags;
  if (project && clearProject) {
    throw new ArgumentError('--project and --clear-project are mutually exclusive.', {
      argumentNames: ['project', 'clear-project'],
    });
  }
  if ((username || secret) && tokenEnv) {
    throw new ArgumentError(
      `--${username ? 'username' : 'secret-stdin'} and --token-env belong to different account types; pass one.`,
      { argumentNames: [username ? 'username' : 'secret-stdin', 'token-env'] },
    );
  }
  const common = {
    ...(region ? { region } : {}),
    ...(clearProject
      ? { clearDefaultProject: true as const }
      : project
        ? { defaultProject: project }
        : {}),
  };
  if (tokenEnv) return { ...common, tokenEnv };
  return { ...common, ...(username ? { username } : {}), ...(secret ? { secret } : {}) };
}

export const handlers: Record<string, Handler> = {
  list(context) {
    const summaries = context.accounts.list();
    printRecords(context.io, (context.string('format') ?? 'table') as Format, summaries, {
      key: 'name',
      table: () => accountTable(context.io, summaries),
      empty: ONBOARDING,
      fields: [
        'name',
        'type',
        'region',
        'status',
        'is_active',
        'referenced_by_targets',
        'user_email',
        'project_id',
        'project_name',
      ],
    });
    return EXIT.SUCCESS;
  },

  async add(context) {
    const type = context.string('type');
    if (type === undefined) throw new UsageError("Missing option '--type'.");
    if (!isAccountType(type)) {
      throw new ArgumentError(
        `Invalid --type: '${type}' (use service_account / oauth_browser / oauth_token)`,
        { argumentNames: ['type'] },
      );
    }
    refuseEmpty(context, ['project', 'username', 'token-env']);
    const region = checkRegion(context.string('region'));
    const irrelevant: Record<string, string[]> = {
      service_account: ['token-env'],
      oauth_browser: ['username', 'secret-stdin', 'token-env'],
      oauth_token: ['username', 'secret-stdin'],
    };
    const misplaced = irrelevant[type]!.find((flag) => context.options[flag] !== undefined);
    if (misplaced)
      throw new ArgumentError(`--${misplaced} does not apply to ${type} accounts.`, {
        argumentNames: [misplaced],
      });
    const [name] = context.positionals;
    const project = context.string('project') ?? (context.io.env.MP_PROJECT_ID || undefined);
    const common = {
      ...(region ? { region } : {}),
      ...(project ? { defaultProject: project } : {}),
    };
    let fields: AddAccountFields;
    let storedInline = false;
    if (type === 'service_account') {
      const username = context.string('username');
      if (!username)
        throw new ArgumentError('--username is required for service_account', {
          argumentNames: ['username'],
        });
      fields = { type, ...common, username, secret: await serviceSecret(context) };
    } else if (type === 'oauth_token') {
      const tokenEnv = context.string('token-env');
      const token = context.io.env.MP_OAUTH_TOKEN;
      if (tokenEnv) fields = { type, ...common, tokenEnv };
      else if (token) {
        fields = { type, ...common, token };
        storedInline = true;
      } else
        throw new ArgumentError('Provide --token-env NAME or set MP_OAUTH_TOKEN.', {
          argumentNames: ['token-env'],
        });
    } else if (!name) {
      throw new ArgumentError(
        'NAME is required for oauth_browser via `mp account add`. For guided setup run `mp login`.',
        { argumentNames: ['name'] },
      );
    } else fields = { type, ...common };
    const summary = await context.accounts.addDiscovering(name, fields, {
      verify: !context.flag('no-verify'),
      pick: context.io.stdin.isTTY
        ? (choices: ProjectChoice[]) => pickProject(context, choices)
        : undefined,
      onWarning: (line) => context.warn(line),
      onNote: (line) => context.note(line),
      onProbeAttempt: ([probed, status]) =>
        context.note(`  ${probed}: ${status} ${status === 200 ? '✓' : '✗'}`),
    });
    if (!summary.created) {
      out(
        context.io,
        `Re-authenticated account '${summary.name}' (${summary.type}, ${summary.region}) — new secret written`,
      );
      return EXIT.SUCCESS;
    }
    out(
      context.io,
      `Added account '${summary.name}' (${summary.type}, ${summary.region})${storedInline ? ' — token from MP_OAUTH_TOKEN stored inline' : ''}`,
    );
    if (summary.isActive) out(context.io, '(promoted to active)');
    return EXIT.SUCCESS;
  },

  async update(context) {
    // docs/cli.md#mp-account: `--secret-stdin` is read before anything else.
    const secret = context.flag('secret-stdin') ? await readSecretFromStdin(context.io) : undefined;
    refuseEmpty(context, ['project', 'username', 'token-env'], {
      project: '; to remove the home project use --clear-project',
    });
    const region = checkRegion(context.string('region'));
    const [name] = context.positionals as [string];
    const project = context.string('project');
    const clearProject = context.flag('clear-project');
    const username = context.string('username');
    const tokenEnv = context.string('token-env');
    const changed: string[] = [];
    if (region) changed.push(`region=${region}`);
    if (project) changed.push(`default_project=${project}`);
    if (clearProject) changed.push('default_project cleared');
    if (username) changed.push('username');
    if (secret) changed.push('secret');
    if (tokenEnv) changed.push(`token_env=${tokenEnv}`);
    context.accounts.update(
      name,
      updateFields({ region, project, clearProject, username, secret, tokenEnv }),
    );
    out(
      context.io,
      `Updated account '${name}' ${changed.length ? `(${changed.join(', ')})` : '(no changes)'}`,
    );
    return EXIT.SUCCESS;
  },

  async remove(context) {
    const [name] = context.positionals as [string];
    const options = { force: context.flag('force'), forceHint: '`--force`' };
    // A missing or still referenced account fails first, before any question.
    const wouldOrphan = context.accounts.remove(name, { ...options, dryRun: true });
    const orphaning = wouldOrphan.length
      ? ` and orphan its target${wouldOrphan.length > 1 ? 's' : ''} ${wouldOrphan.join(', ')}`
      : '';
    const aborted = await confirm(
      context,
      `Remove account '${name}'${orphaning}?`,
      `remove account '${name}'`,
    );
    if (aborted !== undefined) return aborted;
    const orphans = context.accounts.remove(name, options);
    out(context.io, `Removed account '${name}'`);
    if (orphans.length) out(context.io, `Orphaned targets: ${orphans.join(', ')}`);
    return EXIT.SUCCESS;
  },

  use(context) {
    const [name] = context.positionals as [string];
    context.accounts.use(name);
    out(context.io, `Active account: ${name}`);
    return EXIT.SUCCESS;
  },

  show(context) {
    const summary = context.accounts.show(context.positionals[0]);
    if (context.string('format') === 'json') printJson(context.io, summary);
    else out(context.io, ...accountTable(context.io, [summary]));
    return EXIT.SUCCESS;
  },

  async test(context) {
    const [name] = context.positionals;
    let exists = true;
    try {
      context.accounts.show(name);
    } catch {
      exists = false;
    }
    const result = await context.accounts.test(name);
    printJson(context.io, result);
    return result.ok ? EXIT.SUCCESS : exists ? EXIT.AUTH : EXIT.NOT_FOUND;
  },

  async login(context) {
    const [name] = context.positionals as [string];
    const openBrowser = !context.flag('no-browser');
    const progress = loginProgress(context, openBrowser);
    try {
      const result = await context.accounts.login(name, {
        openBrowser,
        stdin: context.io.stdin,
        stderr: showAuthorizeHint(context, progress),
      });
      progress.stop();
      printJson(context.io, result);
    } finally {
      progress.stop();
    }
    return EXIT.SUCCESS;
  },

  async logout(context) {
    const [name] = context.positionals as [string];
    context.accounts.get(name); // a missing account fails first, as without the question
    const aborted = await confirm(
      context,
      `Log out of account '${name}' (delete its tokens)?`,
      `log out of account '${name}'`,
    );
    if (aborted !== undefined) return aborted;
    context.accounts.logout(name);
    out(context.io, `Removed tokens for '${name}'`);
    return EXIT.SUCCESS;
  },

  async token(context) {
    const token = await context.accounts.token(context.positionals[0]);
    out(context.io, token ?? 'N/A');
    return EXIT.SUCCESS;
  },

  async 'export-bridge'(context) {
    const to = resolve(context.io.cwd, context.string('to') ?? join('.', 'mixpanel_auth.json'));
    const account = context.string('account');
    const accessOnly = context.flag('access-only');
    const exportOptions = {
      to,
      ...(account ? { account } : {}),
      ...(context.string('project') !== undefined ? { project: context.string('project')! } : {}),
      ...(context.integer('workspace') !== undefined
        ? { workspace: context.integer('workspace')! }
        : {}),
    };
    const path = accessOnly
      ? await context.accounts.exportBridge({ ...exportOptions, accessOnly: true })
      : context.accounts.exportBridge(exportOptions);
    out(context.io, `Wrote bridge file to ${path}`);
    const exported = context.accounts.get(account);
    // docs/files.md#bridge-export recommendation: say when the included access token expires (never the token).
    let expiresAt: Date | undefined;
    try {
      expiresAt = loadBridge(path, { env: context.io.env, cwd: context.io.cwd })?.bridge.tokens
        ?.expiresAt;
    } catch {} // the file is written; an unreadable expiry only shortens the summary
    let tokens = '';
    if (exported.type === 'oauth_browser' && accessOnly) {
      const expiry = expiresAt
        ? ` (expires ${bridgeTimestamp(expiresAt)}, ${fromNow(expiresAt)})`
        : '';
      tokens = ` · tokens: access token only${expiry}`;
    } else if (exported.type === 'oauth_browser') {
      tokens = ` · tokens: included${expiresAt ? ` (access token expires ${bridgeTimestamp(expiresAt)})` : ''}`;
    }
    out(context.io, `Account: ${exported.name} (${exported.type}, ${exported.region})${tokens}`);
    if (accessOnly) {
      out(
        context.io,
        'Note: no refresh token was written; once the access token expires, export a new bridge here.',
      );
    }
    if (exported.type === 'oauth_token' && exported.tokenEnv) {
      out(context.io, `Note: the receiving machine must set ${exported.tokenEnv}.`);
    }
    const home = context.io.env.HOME ?? '';
    const defaults = [
      join(home, '.claude', 'mixpanel', 'auth.json'),
      join(context.io.cwd, 'mixpanel_auth.json'),
    ];
    if (defaults.includes(path)) {
      err(
        context.io,
        `note: ${path} is a default bridge location on this machine: it now overrides the active account here too; see \`mp session --bridge\`.`,
      );
    }
    return EXIT.SUCCESS;
  },

  'remove-bridge'(context) {
    const at = context.string('at');
    const removed = context.accounts.removeBridge(at ? { at: resolve(context.io.cwd, at) } : {});
    out(context.io, removed ? 'Removed bridge file.' : 'No bridge file to remove.');
    return EXIT.SUCCESS;
  },
};
