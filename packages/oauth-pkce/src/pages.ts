/** HTML-escapes text that came from a request. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto"><h1>${title}</h1>${body}</body></html>`;

/** What the browser shows after a successful callback. */
export const SUCCESS_PAGE = page(
  'Authorization successful',
  '<p>mixpanel-data is authorized. You can close this tab and go back to the terminal.</p>',
);

/** What the browser shows when the callback fails; `message` is escaped here. */
export function errorPage(message: string): string {
  return page(
    'Authorization failed',
    `<p>${escapeHtml(message)}</p><p>Close this tab and try again from the terminal.</p>`,
  );
}

/** What the browser shows for a callback without this login's `state`; fixed text, nothing from the request. */
export const NOT_THIS_LOGIN_PAGE = page(
  'Not this login',
  '<p>This request does not carry the state of the login in progress, so it was ignored. The login is still waiting; finish it with the link the terminal printed.</p>',
);
