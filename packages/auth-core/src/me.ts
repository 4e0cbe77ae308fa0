import * as v from 'valibot';
import { ValidationError } from './errors';
import { firstProblem, problemText } from './issues';

const int = /* @__PURE__ */ (() => v.pipe(v.number(), v.safeInteger()))();
const optionalString = /* @__PURE__ */ (() => v.nullish(v.string()))();

/** The `/me` payload (docs/http.md#me-response-model): every top-level field optional, unknown fields kept. */
export const meResponseSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    user_id: v.nullish(int),
    user_email: optionalString,
    user_name: optionalString,
    organizations: v.optional(
      v.record(
        v.string(),
        v.looseObject({
          id: int,
          name: v.string(),
          role: optionalString,
          permissions: v.nullish(v.array(v.string())),
        }),
      ),
      {},
    ),
    projects: v.optional(
      v.record(
        v.string(),
        v.looseObject({
          name: v.string(),
          organization_id: int,
          timezone: optionalString,
          has_workspaces: v.nullish(v.boolean()),
          domain: optionalString,
          type: v.nullish(v.union([v.string(), v.number()])),
        }),
      ),
      {},
    ),
    workspaces: v.optional(
      v.record(
        v.string(),
        v.looseObject({
          id: int,
          name: v.string(),
          project_id: int,
          is_default: v.nullish(v.boolean()),
          is_global: v.nullish(v.boolean()),
          is_restricted: v.nullish(v.boolean()),
          is_visible: v.nullish(v.boolean()),
          description: optionalString,
          creator_name: optionalString,
        }),
      ),
      {},
    ),
  }))();
export type MeResponse = v.InferOutput<typeof meResponseSchema>;

/** One item of `GET /projects/{pid}/workspaces/public` (docs/http.md#lazy-workspace-resolution). */
export const publicWorkspaceSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: int,
    name: v.string(),
    project_id: int,
    is_default: v.boolean(),
    description: optionalString,
    is_global: v.nullish(v.boolean()),
    is_restricted: v.nullish(v.boolean()),
    is_visible: v.nullish(v.boolean()),
    created_iso: optionalString,
    creator_name: optionalString,
  }))();
export type PublicWorkspace = v.InferOutput<typeof publicWorkspaceSchema>;

function parseResponse<S extends v.GenericSchema>(
  schema: S,
  body: unknown,
  what: string,
  wantObject = false,
) {
  // valibot's object schemas take an array as an object; /me, all of whose fields are optional, must not.
  const result = wantObject && Array.isArray(body) ? null : v.safeParse(schema, body);
  if (result?.success) return result.output as v.InferOutput<S>;
  const problem = result
    ? firstProblem(result.issues)
    : { field: '', message: 'Input should be an object' };
  throw new ValidationError(
    `Unexpected response format from Mixpanel (${what}): ${problemText(problem)}`,
    { source: 'response', details: { path: problem.field } },
  );
}

/** Validates a `/me` body (already unwrapped from `results`); ValidationError(source "response") names the field. */
export function parseMeResponse(body: unknown): MeResponse {
  return parseResponse(meResponseSchema, body, '/me', true);
}

/** Validates a workspaces listing (already unwrapped); it must be an array of workspaces. */
export function parsePublicWorkspaces(body: unknown): PublicWorkspace[] {
  return parseResponse(v.array(publicWorkspaceSchema), body, 'workspaces');
}

/** Validates the body of `GET /events/names` (docs/http.md#events): a list of strings, in server order. */
export function parseEventNames(body: unknown): string[] {
  return parseResponse(v.array(v.string()), body, 'events/names');
}
