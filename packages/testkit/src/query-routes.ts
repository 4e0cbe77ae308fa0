/** The Query API (docs/testkit.md#query-routes): `/api/query/events/names` and `/api/query/segmentation`. */
import { authenticate, type Principal } from './auth';
import { addDays, checkDate, localToday } from './dates';
import type { FixtureProject, SegmentationUnit } from './fixture';
import { jsonReply, type ParsedRequest, queryError, type Reply } from './http-io';
import { parseOnExpression, type SegmentationType, syntheticSegmentation } from './segmentation';
import type { MockState } from './state';

/** Larger `limit` values are clamped to this. */
export const EVENT_NAMES_LIMIT_CEILING = 5000;
/** `limit` when absent (*mock choice*: Mixpanel's documented default). */
export const EVENT_NAMES_DEFAULT_LIMIT = 255;

const TYPES: readonly string[] = ['general', 'unique', 'average'];

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/** Authentication and `project_id` checks shared by both routes. */
export function authorizeProject(
  state: MockState,
  request: ParsedRequest,
): Checked<FixtureProject> {
  const fail = (status: number, text: string) => ({
    ok: false as const,
    reply: queryError(request, status, text),
  });
  const authentication = authenticate(state, request);
  if (!authentication.ok) return fail(401, authentication.error);
  const principal: Principal = authentication.principal;
  const projectId = request.query.project_id;
  if (projectId === undefined || projectId === '') return fail(400, 'project_id is required');
  if (!/^\d+$/.test(projectId)) return fail(400, 'project_id must be an integer');
  const project = state.project(projectId);
  if (!project) return fail(404, `project ${projectId} not found`);
  if (!principal.projects.includes(project)) {
    return fail(403, `access to project ${projectId} is not allowed for these credentials`);
  }
  return { ok: true, value: project };
}

/** Checks `from_date`/`to_date` (each optional unless `required`) and their order. */
export function checkRange(
  request: ParsedRequest,
  required: boolean,
): Checked<{ fromDate?: string; toDate?: string }> {
  const range: { fromDate?: string; toDate?: string } = {};
  for (const [param, key] of [
    ['from_date', 'fromDate'],
    ['to_date', 'toDate'],
  ] as const) {
    const value = request.query[param];
    if (value === undefined || (required && value === '')) {
      if (required) return { ok: false, reply: queryError(request, 400, `${param} is required`) };
      continue;
    }
    const check = checkDate(value);
    if (!check.ok) return { ok: false, reply: queryError(request, 400, check.error) };
    range[key] = check.date;
  }
  if (range.fromDate !== undefined && range.toDate !== undefined && range.fromDate > range.toDate) {
    return { ok: false, reply: queryError(request, 400, 'from_date is after to_date') };
  }
  return { ok: true, value: range };
}

export function handleEventNames(state: MockState, request: ParsedRequest): Reply {
  const project = authorizeProject(state, request);
  if (!project.ok) return project.reply;
  const { type, limit: limitText } = request.query;
  if (type === undefined || !TYPES.includes(type)) {
    return queryError(request, 400, 'type must be general, unique or average');
  }
  let limit = EVENT_NAMES_DEFAULT_LIMIT;
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText) || Number(limitText) < 1) {
      return queryError(request, 400, 'limit must be a positive integer');
    }
    limit = Math.min(Number(limitText), EVENT_NAMES_LIMIT_CEILING);
  }
  const range = checkRange(request, false);
  if (!range.ok) return range.reply;
  const days = project.value.max_data_history_days;
  const { fromDate } = range.value;
  // One day of slack so the client's retry (today − N in its own time zone) always passes.
  if (days !== null && fromDate !== undefined && fromDate < addDays(localToday(), -days - 1)) {
    return queryError(request, 403, `Date range exceeds ${days} days into the past`);
  }
  return jsonReply(200, project.value.events.slice(0, limit));
}

export function handleSegmentation(state: MockState, request: ParsedRequest): Reply {
  const project = authorizeProject(state, request);
  if (!project.ok) return project.reply;
  const { query } = request;
  const event = query.event;
  if (event === undefined || event === '') return queryError(request, 400, 'event is required');
  const range = checkRange(request, true);
  if (!range.ok) return range.reply;

  const unitText = query.unit === undefined || query.unit === '' ? 'day' : query.unit;
  if (unitText === 'minute' || unitText === 'hour') {
    return queryError(
      request,
      400,
      `unit ${unitText} is not supported by the mock; use day, week or month`,
    );
  }
  if (unitText !== 'day' && unitText !== 'week' && unitText !== 'month') {
    return queryError(request, 400, 'unit must be day, week or month');
  }
  const unit: SegmentationUnit = unitText;
  const typeText = query.type === undefined || query.type === '' ? 'general' : query.type;
  if (!TYPES.includes(typeText)) {
    return queryError(request, 400, 'type must be general, unique or average');
  }
  const on = query.on === '' ? undefined : query.on;
  const expression = on === undefined ? null : parseOnExpression(on);
  if (on !== undefined && expression === null) {
    return queryError(request, 400, 'invalid on expression');
  }

  const canned = (state.fixture.segmentation_responses ?? []).find(
    ({ match }) =>
      match.event === event &&
      (match.on === undefined || match.on === on) &&
      (match.unit === undefined || match.unit === unit),
  );
  if (canned) return jsonReply(200, canned.body);

  const segmentValues = project.value.segment_values;
  const segments =
    expression === null
      ? [event]
      : Object.hasOwn(segmentValues, expression.name)
        ? segmentValues[expression.name]!
        : ['undefined'];
  return jsonReply(
    200,
    syntheticSegmentation({
      event,
      fromDate: range.value.fromDate!,
      toDate: range.value.toDate!,
      unit,
      type: typeText as SegmentationType,
      segments,
      halve: query.where !== undefined,
    }),
  );
}
