/** The HTML the OAuth routes serve: the consent form (approval mode `form`) and error pages. */
import { escapeHtml } from './http-io';

function page(title: string, content: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}</style>',
    '</head>',
    '<body>',
    content,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A `400` page for an authorize request that cannot redirect (docs/testkit.md#common-behaviour, docs/testkit.md#oauth-routes checks 1–2). */
export function errorPage(problem: string): string {
  return page(
    'Authorization error',
    `<h1>Authorization error</h1>\n<p id="problem">${escapeHtml(problem)}</p>`,
  );
}

/** The consent page: Approve and Deny post to `/oauth/authorize/decision`. */
export function consentPage(options: { requestId: string; email: string }): string {
  return page(
    'Authorize mixpanel-data',
    [
      '<h1>Authorize mixpanel-data</h1>',
      `<p><strong>mixpanel-data</strong> wants to access Mixpanel as <strong id="email">${escapeHtml(options.email)}</strong>.</p>`,
      '<form method="post" action="/oauth/authorize/decision">',
      `<input type="hidden" name="request_id" value="${escapeHtml(options.requestId)}">`,
      '<button type="submit" name="decision" value="approve" id="approve">Approve</button>',
      '<button type="submit" name="decision" value="deny" id="deny">Deny</button>',
      '</form>',
    ].join('\n'),
  );
}
