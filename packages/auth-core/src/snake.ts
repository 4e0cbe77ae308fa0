/** `organizationId` → `organization_id`. */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A plain copy of a record's own enumerable fields with snake_case keys (the on-disk/CLI JSON form). */
export function toSnakeJSON(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[snake(key)] = item;
  return out;
}
