import type { CompletionSource, OptionSpec } from './args';
import type { Handler } from './context';

const FORMATS = ['table', 'json', 'jsonl', 'csv', 'plain'] as const;
const format = (choices: readonly string[] = FORMATS, fallback = 'table'): OptionSpec => ({
  long: 'format',
  short: 'f',
  type: 'string',
  choices,
  metavar: 'FORMAT',
  description: `output format: ${choices.join('|')} (default ${fallback})`,
});
const REGION: OptionSpec = {
  long: 'region',
  type: 'string',
  complete: 'regions',
  metavar: 'REGION',
  description: 'us, eu or in',
};

const YES: OptionSpec = {
  long: 'yes',
  short: 'y',
  type: 'boolean',
  description: 'do not ask for confirmation',
};
const NO_BROWSER: OptionSpec = {
  long: 'no-browser',
  type: 'boolean',
  description: 'print the URL instead of opening a browser; accept the pasted redirect',
};
const SECRET_STDIN: OptionSpec = {
  long: 'secret-stdin',
  type: 'boolean',
  description: 'read the service-account secret from stdin',
};
const NO_VERIFY: OptionSpec = {
  long: 'no-verify',
  type: 'boolean',
  description: 'do not check against Mixpanel (no request)',
};
const REFRESH: OptionSpec = {
  long: 'refresh',
  type: 'boolean',
  description: 'bypass the 24 h /me cache',
};

/** One command: its path, what it does, its own options and positionals, and its lazily loaded handler. */
export interface CommandSpec {
  readonly path: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Positional arguments: [min, max]. */
  readonly positionals: readonly [number, number];
  /** What shell completion offers for the positional arguments (default: nothing). */
  readonly argument?: CompletionSource;
  readonly load: () => Promise<Handler>;
  readonly epilog?: string;
  /** Command lines shown under "Examples:" at the end of the help. */
  readonly examples?: readonly string[];
}

const account = (name: string) => () =>
  import('./commands/account').then((module) => module.handlers[name]!);
const group =
  <M extends { handlers: Record<string, Handler> }>(load: () => Promise<M>, name: string) =>
  () =>
    load().then((module) => module.handlers[name]!);
const project = (name: string) => group(() => import('./commands/project'), name);
const target = (name: string) => group(() => import('./commands/target'), name);

/** Every command of `mp`, in help order. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    path: 'login',
    summary:
      'Guided setup: log in (browser, or a service account / token from the environment) and make it active',
    usage:
      'mp login [--name NAME] [--region REGION] [--project ID] [-S] [--token-env VAR] [--no-browser] [--secret-stdin]',
    positionals: [0, 0],
    load: () => import('./commands/login').then((m) => m.login),
    examples: [
      'mp login                          # browser login, then pick a project',
      'mp login --no-browser             # print the URL; paste the redirect back',
      'mp login -S --region us           # service account from MP_USERNAME and MP_SECRET',
      'mp login --token-env MY_TOKEN     # a static bearer token read from MY_TOKEN',
    ],
    options: [
      {
        long: 'name',
        type: 'string',
        metavar: 'NAME',
        description: 'account name (default: derived from your organization)',
      },
      REGION,
      {
        long: 'project',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'project to make the default',
      },
      {
        long: 'service-account',
        short: 'S',
        type: 'boolean',
        description: 'log in a service account (MP_USERNAME + secret)',
      },
      {
        long: 'token-env',
        type: 'string',
        metavar: 'VAR',
        description: 'log in a static bearer token read from VAR',
      },
      NO_BROWSER,
      SECRET_STDIN,
    ],
  },
  {
    path: 'account list',
    summary: 'List configured accounts',
    usage: 'mp account list [-f FORMAT]',
    positionals: [0, 0],
    load: account('list'),
    options: [format()],
  },
  {
    path: 'account add',
    summary: 'Add an account',
    usage:
      'mp account add [NAME] --type TYPE [--region REGION] [--project ID] [--username USER] [--secret-stdin] [--token-env VAR] [--no-verify]',
    positionals: [0, 1],
    load: account('add'),
    examples: [
      'mp account add ci --type service_account --username ci.sa --region us --secret-stdin < secret.txt',
      'mp account add me --type oauth_browser --region eu',
      'mp account add bot --type oauth_token --token-env MY_TOKEN --region us',
    ],
    epilog: 'Tip: for a new setup, `mp login` does all of this interactively.',
    options: [
      {
        long: 'type',
        type: 'string',
        metavar: 'TYPE',
        complete: 'account-types',
        description: 'service_account, oauth_browser or oauth_token',
      },
      REGION,
      {
        long: 'project',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'default project (default: MP_PROJECT_ID)',
      },
      {
        long: 'username',
        type: 'string',
        metavar: 'USER',
        description: 'service account username',
      },
      SECRET_STDIN,
      {
        long: 'token-env',
        type: 'string',
        metavar: 'VAR',
        description: 'environment variable holding the bearer (oauth_token)',
      },
      NO_VERIFY,
    ],
  },
  {
    path: 'account update',
    summary: 'Change fields of an account',
    usage:
      'mp account update NAME [--region REGION] [--project ID | --clear-project] [--username USER] [--secret-stdin] [--token-env VAR]',
    positionals: [1, 1],
    argument: 'accounts',
    load: account('update'),
    options: [
      REGION,
      {
        long: 'project',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'new default project',
      },
      { long: 'clear-project', type: 'boolean', description: 'remove the default project' },
      {
        long: 'username',
        type: 'string',
        metavar: 'USER',
        description: 'service account username',
      },
      {
        long: 'secret-stdin',
        type: 'boolean',
        description: 'read a new service-account secret from stdin',
      },
      {
        long: 'token-env',
        type: 'string',
        metavar: 'VAR',
        description: 'read the bearer from VAR from now on',
      },
    ],
  },
  {
    path: 'account remove',
    summary: 'Remove an account (and its tokens and cache)',
    usage: 'mp account remove NAME [--force] [--yes]',
    positionals: [1, 1],
    argument: 'accounts',
    load: account('remove'),
    options: [
      {
        long: 'force',
        type: 'boolean',
        description: 'remove even when targets use it (they stay, orphaned)',
      },
      YES,
    ],
  },
  {
    path: 'account use',
    summary: 'Make an account active',
    usage: 'mp account use NAME',
    positionals: [1, 1],
    argument: 'accounts',
    load: account('use'),
    options: [],
  },
  {
    path: 'account show',
    summary: 'Show an account (default: the active one)',
    usage: 'mp account show [NAME] [-f table|json]',
    positionals: [0, 1],
    argument: 'accounts',
    load: account('show'),
    options: [format(['table', 'json'])],
  },
  {
    path: 'account test',
    summary: 'Check an account against /me; prints the result as JSON',
    usage: 'mp account test [NAME]',
    positionals: [0, 1],
    argument: 'accounts',
    load: account('test'),
    options: [],
  },
  {
    path: 'account login',
    summary: 'Browser login (OAuth PKCE) for an oauth_browser account',
    usage: 'mp account login NAME [--no-browser]',
    positionals: [1, 1],
    argument: 'accounts',
    load: account('login'),
    options: [NO_BROWSER],
  },
  {
    path: 'account logout',
    summary: "Delete an account's OAuth tokens",
    usage: 'mp account logout NAME [--yes]',
    positionals: [1, 1],
    argument: 'accounts',
    load: account('logout'),
    options: [YES],
  },
  {
    path: 'account token',
    summary: 'Print the current bearer token (the one command that prints a secret)',
    usage: 'mp account token [NAME]',
    positionals: [0, 1],
    argument: 'accounts',
    load: account('token'),
    options: [],
  },
  {
    path: 'account export-bridge',
    summary: 'Write a Cowork bridge file for an account',
    usage:
      'mp account export-bridge [--account NAME] [--to PATH] [--project ID] [--workspace ID] [--access-only]',
    positionals: [0, 0],
    load: account('export-bridge'),
    options: [
      {
        long: 'account',
        type: 'string',
        metavar: 'NAME',
        complete: 'accounts',
        description: 'account to export (default: the active one)',
      },
      {
        long: 'to',
        type: 'string',
        metavar: 'PATH',
        description: 'destination (default ./mixpanel_auth.json)',
      },
      {
        long: 'project',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'pin a project',
      },
      { long: 'workspace', type: 'integer', metavar: 'ID', description: 'pin a workspace' },
      {
        long: 'access-only',
        type: 'boolean',
        description:
          'browser accounts: hand off the access token only, without the refresh token (refreshed first when near expiry)',
      },
    ],
  },
  {
    path: 'account remove-bridge',
    summary: 'Delete the bridge file',
    usage: 'mp account remove-bridge [--at PATH]',
    positionals: [0, 0],
    load: account('remove-bridge'),
    options: [
      {
        long: 'at',
        type: 'string',
        metavar: 'PATH',
        description: 'the file to remove (default: the search order)',
      },
    ],
  },
  {
    path: 'project list',
    summary: 'List the projects the account can see',
    usage: 'mp project list [--refresh] [-f FORMAT]',
    positionals: [0, 0],
    load: project('list'),
    options: [REFRESH, format()],
  },
  {
    path: 'project use',
    summary: "Set the active account's default project",
    usage: 'mp project use ID [--no-verify]',
    positionals: [1, 1],
    argument: 'projects',
    load: project('use'),
    options: [NO_VERIFY],
  },
  {
    path: 'project show',
    summary: "Print the active account's default project",
    usage: 'mp project show',
    positionals: [0, 0],
    load: project('show'),
    options: [],
  },
  {
    path: 'workspace list',
    summary: "List a project's workspaces",
    usage: 'mp workspace list [--project ID] [--refresh] [-f FORMAT]',
    positionals: [0, 0],
    load: group(() => import('./commands/workspace'), 'list'),
    options: [
      {
        long: 'project',
        short: 'p',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'project (default: the resolved one)',
      },
      REFRESH,
      format(),
    ],
  },
  {
    path: 'workspace use',
    summary: 'Pin the active workspace',
    usage: 'mp workspace use ID [--no-verify]',
    positionals: [1, 1],
    load: group(() => import('./commands/workspace'), 'use'),
    options: [NO_VERIFY],
  },
  {
    path: 'workspace show',
    summary: 'Print the pinned workspace',
    usage: 'mp workspace show',
    positionals: [0, 0],
    load: group(() => import('./commands/workspace'), 'show'),
    options: [],
  },
  {
    path: 'target list',
    summary: 'List saved targets',
    usage: 'mp target list [-f FORMAT]',
    positionals: [0, 0],
    load: target('list'),
    options: [format()],
  },
  {
    path: 'target add',
    summary: 'Save an account + project (+ workspace) as a target',
    usage: 'mp target add NAME --account NAME --project ID [--workspace ID] [--no-verify]',
    positionals: [1, 1],
    load: target('add'),
    examples: [
      'mp target add prod -a team -p 3018488',
      'mp target add prod-web --account team --project 3018488 --workspace 2',
    ],
    options: [
      {
        long: 'account',
        short: 'a',
        type: 'string',
        metavar: 'NAME',
        complete: 'accounts',
        description: 'account',
      },
      {
        long: 'project',
        short: 'p',
        type: 'string',
        metavar: 'ID',
        complete: 'projects',
        description: 'project',
      },
      { long: 'workspace', short: 'w', type: 'integer', metavar: 'ID', description: 'workspace' },
      NO_VERIFY,
    ],
  },
  {
    path: 'target remove',
    summary: 'Delete a target',
    usage: 'mp target remove NAME [--yes]',
    positionals: [1, 1],
    argument: 'targets',
    load: target('remove'),
    options: [YES],
  },
  {
    path: 'target use',
    summary: 'Apply a target to the active session (or, with --here, to this folder and below)',
    usage: 'mp target use NAME [--here] | mp target use --here --clear',
    positionals: [0, 1],
    argument: 'targets',
    load: target('use'),
    examples: [
      'mp target use prod                # the active session everywhere',
      'mp target use prod --here         # this folder and below; config.toml unchanged',
      'mp target use --here --clear      # remove the binding of this folder',
    ],
    options: [
      {
        long: 'here',
        type: 'boolean',
        description:
          'bind the current folder (and every folder below it) to NAME by writing .mixpanel/target here',
      },
      {
        long: 'clear',
        type: 'boolean',
        description: 'with --here: remove the binding of this folder',
      },
    ],
  },
  {
    path: 'target show',
    summary: 'Show a target',
    usage: 'mp target show NAME [-f table|json]',
    positionals: [1, 1],
    argument: 'targets',
    load: target('show'),
    options: [format(['table', 'json'])],
  },
  {
    path: 'session',
    summary: 'Show the persisted session (or the bridge file, or where each axis comes from)',
    usage: 'mp session [--bridge | --explain | --effective] [-f text|json]',
    positionals: [0, 0],
    load: () => import('./commands/session').then((m) => m.session),
    examples: [
      'mp session                        # the saved session',
      'mp session --explain -t prod      # what a command would use, and why',
      'mp session --bridge -f json',
    ],
    options: [
      { long: 'bridge', type: 'boolean', description: 'show the bridge file in effect' },
      {
        long: 'explain',
        type: 'boolean',
        description:
          'show the resolved session and the source of each axis (honours -a/-p/-w/--target and the environment)',
      },
      { long: 'effective', type: 'boolean', description: 'same as --explain' },
      format(['text', 'json'], 'text'),
    ],
  },
  {
    path: 'whoami',
    summary: 'Show the resolved account, project, workspace and user, and check the credentials',
    usage: 'mp whoami [--refresh] [-f text|json]',
    positionals: [0, 0],
    load: () => import('./commands/whoami').then((m) => m.whoami),
    epilog:
      'Exit 0 when the credentials work (a fresh /me cache counts), 2 when they are rejected, 1 when nothing is configured; with -q nothing is printed.',
    options: [
      { ...REFRESH, description: 'ask Mixpanel (/me) instead of the 24 h /me cache' },
      format(['text', 'json'], 'text'),
    ],
  },
  {
    path: 'doctor',
    summary:
      'Check the config, credentials, overrides, files, network and clock, and say how to fix each problem',
    usage: 'mp doctor [--offline] [-f text|json]',
    positionals: [0, 0],
    load: () => import('./commands/doctor').then((m) => m.doctor),
    epilog:
      'Exit 0 when no check fails (warnings included), 1 when one does. Changes no file, but refreshes an expired access token as any command would; each network check gives up after 3 s.',
    options: [
      {
        long: 'offline',
        type: 'boolean',
        description:
          'make no network request (the /me, project, reach and clock checks are skipped)',
      },
      format(['text', 'json'], 'text'),
    ],
  },
  {
    path: 'inspect events',
    summary: 'List the event names of the resolved project',
    usage: 'mp inspect events [-f table|json]',
    positionals: [0, 0],
    load: () => import('./commands/query').then((m) => m.events),
    options: [format(['table', 'json'])],
  },
  {
    path: 'query segmentation',
    summary: 'Count an event over time, optionally split by a property',
    usage:
      'mp query segmentation -e EVENT --from YYYY-MM-DD --to YYYY-MM-DD [--on PROP] [--unit day|week|month] [-f table|json]',
    positionals: [0, 0],
    load: () => import('./commands/query').then((m) => m.segmentation),
    examples: [
      'mp query segmentation -e Signup --from 2024-01-01 --to 2024-01-31',
      "mp query segmentation -e Signup --from 2024-01-01 --to 2024-03-31 --on '$browser' --unit week -f json",
    ],
    options: [
      {
        long: 'event',
        short: 'e',
        type: 'string',
        metavar: 'EVENT',
        description: 'event name (required)',
      },
      {
        long: 'from',
        type: 'string',
        metavar: 'DATE',
        description: 'first day, YYYY-MM-DD (required)',
      },
      {
        long: 'to',
        type: 'string',
        metavar: 'DATE',
        description: 'last day, YYYY-MM-DD (required)',
      },
      { long: 'on', type: 'string', metavar: 'PROP', description: 'property to segment by' },
      {
        long: 'unit',
        type: 'string',
        choices: ['day', 'week', 'month'],
        metavar: 'UNIT',
        description: 'day, week or month (default day)',
      },
      format(['table', 'json']),
    ],
  },
  {
    path: 'api',
    summary: 'Call any Mixpanel endpoint with the resolved session; the answer streams to stdout',
    usage:
      'mp api [METHOD] PATH [-F KEY=VALUE]... [-F KEY:=JSON]... [-H "NAME: VALUE"]... [--input FILE|-] [-i]',
    positionals: [1, 2],
    load: () => import('./commands/api').then((m) => m.api),
    epilog:
      "PATH is /api/query/…, /api/app/… or /api/2.0/export, or an https URL on the account's Mixpanel host (MP_BASE_URL maps them to its origin). project_id is added to query and export calls. Without METHOD: GET, or POST with --input.",
    examples: [
      'mp api /api/app/me',
      'mp api /api/query/events/names -F type=general -F limit=10',
      'mp api /api/2.0/export -F from_date=2024-01-01 -F to_date=2024-01-31 -F \'event:=["Signup"]\' > events.ndjson',
      'mp api -i POST /api/app/projects/123/annotations --input body.json',
    ],
    options: [
      {
        long: 'field',
        short: 'F',
        type: 'string',
        repeatable: true,
        metavar: 'KEY=VALUE',
        description: 'a parameter (GET) or JSON body field; KEY:=JSON for a typed value',
      },
      {
        long: 'header',
        short: 'H',
        type: 'string',
        repeatable: true,
        metavar: '"NAME: VALUE"',
        description: 'an extra request header (not Authorization)',
      },
      {
        long: 'input',
        type: 'string',
        metavar: 'FILE',
        description: 'send this file (- for stdin) as the body',
      },
      {
        long: 'include',
        short: 'i',
        type: 'boolean',
        description: 'print the status line and response headers before the body',
      },
    ],
  },
  {
    path: 'completion',
    summary: 'Print a shell completion script',
    usage: 'mp completion bash|zsh|fish|powershell',
    positionals: [1, 1],
    argument: 'shells',
    load: () => import('./commands/completion').then((m) => m.completionFor()),
    options: [],
  },
];

/** The groups, for help and completion. */
export const GROUPS = [...new Set(COMMANDS.map((command) => command.path.split(' ')[0]!))];
