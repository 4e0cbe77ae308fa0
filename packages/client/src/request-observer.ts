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

/** `fetchImplementation` (default: the platform's `fetch`) reporting each request to `observer`. */
function observedFetch(
  fetchImplementation: typeof fetch | undefined,
  observer: RequestObserver,
): typeof fetch {
  return (input, init) => {
    const request = input instanceof Request ? input : null;
    const href = request ? request.url : String(input);
    const settled = observer({
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      url: href.split(/[?#]/)[0]!,
    });
    const sent = (fetchImplementation ?? fetch)(input, init);
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
