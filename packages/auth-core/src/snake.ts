/** Keys already converted: the field names of our result types, so a handful. */
const snakes = new Map<string, string>();

/** `organizationId` → `organization_id` (a listing of thousands of records converts each key once). */
const snake = (key: string) => {
  let converted = snakes.get(key);
  if (converted === undefined) {
    converted = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakes.set(key, converted);
  }
  return converted;
};

/** A plain copy of a record's own enumerable fields with snake_case keys (the on-disk/CLI JSON form). */
export function toSnakeJSON(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[snake(key)] = item;
  return out;
}
