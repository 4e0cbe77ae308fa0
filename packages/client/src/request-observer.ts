/** One HTTP request as an observer sees it: no headers, no body, no query string (they may carry credentials). */
export interface ObservedRequest {
  readonly method: string;
  /** The request's URL without its query string. */
  readonly url: string;
}

/**
 * Watches the HTTP requests a Workspace or a namespace sends — API calls,
 * `/me`, region probes, OAuth token requests and refreshes
 * (docs/http.md#observing-requests). Called as each request is sent; the
 * function it returns, if any, is called once, when the response headers
 * arrive or the request fails without a response. The body is read after
 * that point. The library prints nothing: what to show is the caller's.
 */
export type RequestObserver = (request: ObservedRequest) => (() => void) | undefined;

/**
 * `sent` (a request just sent as `request`) reported to `observer`: told now,
 * and its returned function called once when `sent` settles.
 */
export function observeRequest<T>(
  observer: RequestObserver,
  request: ObservedRequest,
  send: () => Promise<T>,
): Promise<T> {
  const settled = observer(request);
  const sent = send();
  if (!settled) return sent;
  let done = false;
  const settle = () => {
    if (done) return;
    done = true;
    settled();
  };
  return sent.then(
    (response) => {
      settle();
      return response;
    },
    (error: unknown) => {
      settle();
      throw error;
    },
  );
}

/** `fetchImplementation` (default: the platform's `fetch`) reporting each request to `observer`. */
function observedFetch(
  fetchImplementation: typeof fetch | undefined,
  observer: RequestObserver,
): typeof fetch {
  return (input, init) => {
    // Not `instanceof Request`: reading the global loads the platform's fetch.
    const request = typeof input === 'string' || input instanceof URL ? null : input;
    const href = request ? request.url : String(input);
    return observeRequest(
      observer,
      {
        method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
        url: href.split(/[?#]/)[0]!,
      },
      () => (fetchImplementation ?? fetch)(input, init),
    );
  };
}

/**
 * `options` with its `onRequest` observer folded into its `fetch` (and taken
 * out), so that every request made with these options — whichever part of
 * the library sends it — is observed exactly once.
 */
export function withRequestObserver<
  T extends { fetch?: typeof fetch | undefined; onRequest?: RequestObserver | undefined },
>(options: T): T {
  if (!options.onRequest) return options;
  return {
    ...options,
    fetch: observedFetch(options.fetch, options.onRequest),
    onRequest: undefined,
  };
}
