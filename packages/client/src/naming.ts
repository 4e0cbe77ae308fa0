import {
  AccountExistsError,
  ConfigError,
  isAccountName,
  type MeResponse,
} from '@mixpanel-data/auth-core';
import { keysInOrder } from './ordered-json';

/** `Acme Corp` → `acme-corp` (docs/cli.md#account-names): NFKD, ASCII only, lower case, `-` runs, ≤ 32 chars. */
export function slugify(name: string | null | undefined): string {
  if (!name) return '';
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0080-\uffff]/g, '')
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, 32).replace(/-+$/, '');
}

/** The account name from the first organization (response order), made unique with `-2`, `-3`, … */
export function deriveAccountName(
  organizations: readonly { id: number | string; name: string | null }[],
  taken: ReadonlySet<string>,
): string {
  const first = organizations[0];
  const base = first ? slugify(first.name) || `org-${first.id}` : 'account';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Organizations of a /me payload in the server's order (recovered from the raw text when given). */
export function organizationsInOrder(
  me: MeResponse,
  rawText?: string,
): { id: number; name: string }[] {
  const orgs = me.organizations ?? {};
  const order =
    (rawText &&
      (keysInOrder(rawText, ['results', 'organizations']) ??
        keysInOrder(rawText, ['organizations']))) ||
    Object.keys(orgs);
  return order
    .filter((key) => orgs[key])
    .map((key) => ({ id: orgs[key]!.id, name: orgs[key]!.name }));
}

/**
 * The name for a new account: `--name`, else derived from /me; valid and not
 * taken. With a derived name whose first choice was taken, also the note of
 * docs/cli.md#re-login, for the caller to print once the account exists.
 */
export function newAccountName(
  name: string | undefined,
  me: MeResponse,
  text: string,
  taken: readonly string[],
): { name: string; notice: string | null } {
  const organizations = organizationsInOrder(me, text);
  const chosen = name ?? deriveAccountName(organizations, new Set(taken));
  const base = deriveAccountName(organizations, new Set());
  const notice =
    name === undefined && chosen !== base
      ? `note: account '${base}' already exists; created '${chosen}'. Use \`mp login --name ${base}\` to refresh the existing one.`
      : null;
  if (!isAccountName(chosen)) {
    throw new ConfigError(
      `Invalid account name '${chosen}': use 1–64 letters, digits, '_' or '-'.`,
      { details: { account_name: chosen } },
    );
  }
  if (taken.includes(chosen)) throw AccountExistsError.forAccount(chosen);
  return { name: chosen, notice };
}
