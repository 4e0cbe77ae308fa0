import { checkSegmentationRequest } from '@mixpanel-data/client';
import { UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { printJson, renderTable } from '../format';
import { out } from '../io';

/** `mp inspect events`: the event names of the resolved project. */
export const events: Handler = async (context) => {
  const names = await context.workspace().events();
  if (context.string('format') === 'json') printJson(context.io, names);
  else out(context.io, ...(names.length ? names : ['(no events)']));
  return EXIT.SUCCESS;
};

/** `mp query segmentation`: the SegmentationResult of docs/http.md#segmentation */
export const segmentation: Handler = async (context) => {
  const event = context.string('event');
  const from = context.string('from');
  const to = context.string('to');
  // A missing option is a usage error (exit 2), as everywhere else; a bad value is exit 3.
  if (event === undefined) throw new UsageError("Missing option '--event' / '-e'.");
  if (from === undefined) throw new UsageError("Missing option '--from'.");
  if (to === undefined) throw new UsageError("Missing option '--to'.");
  const unit = context.string('unit') as 'day' | 'week' | 'month' | undefined;
  const on = context.string('on');
  // The library's own check (real dates, in order, a known unit), before a session is resolved.
  checkSegmentationRequest(event, { fromDate: from, toDate: to, unit });
  const result = await context.workspace().segmentation(event, {
    fromDate: from,
    toDate: to,
    ...(on ? { on } : {}),
    ...(unit ? { unit } : {}),
  });
  if (context.string('format') === 'json') {
    printJson(context.io, result);
    return EXIT.SUCCESS;
  }
  const segments = Object.keys(result.series).sort();
  const dates = [
    ...new Set(segments.flatMap((segment) => Object.keys(result.series[segment]!))),
  ].sort();
  out(
    context.io,
    ...renderTable(
      ['DATE', ...segments],
      dates.map((date) => [date, ...segments.map((s) => String(result.series[s]![date] ?? 0))]),
    ),
  );
  out(context.io, `total: ${result.total}`);
  return EXIT.SUCCESS;
};
