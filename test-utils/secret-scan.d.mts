export const MIN_SECRET_LENGTH: number;

/** Value → kind (`service_account_secret`, `static_token`, `access_token`, `refresh_token`). */
export function readSecrets(logPath?: string): Map<string, string>;

export interface TaskOutput {
  /** Turbo's name of the task, e.g. `@mixpanel-data/cli:test`, or `turbo`. */
  source: string;
  text: string;
}

/** Turbo's output cut by task (the prefix of each line), colour codes removed. */
export function outputsByTask(text: string): TaskOutput[];

export interface SecretHit {
  kind: string;
  source: string;
}

export function findSecrets(secrets: Map<string, string>, outputs: TaskOutput[]): SecretHit[];

export function describeHit(hit: SecretHit): string;
