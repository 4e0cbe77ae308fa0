import { NetworkError, ResponseTooLargeError } from './errors';

// Globals of every runtime this package targets (browsers, Node, Deno, edge workers),
// declared here because the package compiles against ES2022 only.
declare class TextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(id: unknown): void;

/** The reader of a fetch body stream, as far as these readers use it. */
export interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/** A fetch `Response`, as far as these readers use it (a real `Response` fits). */
export interface ResponseWithBody {
  readonly body: { getReader(): BodyReader } | null;
}

/** An `AbortSignal`, as far as these readers use it. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface ReadBodyOptions {
  /** The most decoded bytes accepted; one more cancels the body and throws `ResponseTooLargeError`. */
  maxBytes: number;
  /**
   * Ends the read: the request's deadline (the same signal that bounded its
   * headers, so one deadline covers both) or the caller's abort. The read
   * cancels the body and rejects with the signal's reason.
   */
  signal?: AbortSignalLike | undefined;
  /** Named in the error. */
  requestMethod?: string | undefined;
  requestUrl?: string | undefined;
  statusCode?: number | undefined;
  /** The error message's last sentence, what to do. Default "Narrow the request." */
  fix?: string | undefined;
}

export interface StreamBodyOptions {
  /** Fail when no chunk arrives for this long. */
  idleMs: number;
  /** Ends the stream (the caller's abort); it rejects with the signal's reason. */
  signal?: AbortSignalLike | undefined;
  /** Named in the error. */
  requestMethod: string;
  requestUrl: string;
}

/**
 * The chunks of a body as they arrive, until the signal aborts or no chunk
 * comes for `idle.ms`. Leaving early for any reason (a limit, an error, a
 * `break`) cancels the body, which releases the connection.
 */
async function* chunksOf(
  response: ResponseWithBody,
  signal: AbortSignalLike | undefined,
  idle?: { ms: number; error: () => unknown },
): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  // Cancelling ends a pending read at once (it resolves as done); `stopped` says why.
  let stopped: { error: unknown } | undefined;
  let ended = false;
  let timer: unknown;
  const stop = (error: unknown) => {
    stopped ??= { error };
    reader.cancel().catch(() => {});
  };
  const onAbort = () => stop(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) onAbort();
      if (idle) timer = setTimeout(() => stop(idle.error()), idle.ms);
      const read = await reader.read().catch((error: unknown) => {
        if (!stopped) throw error;
        return { done: true, value: undefined };
      });
      clearTimeout(timer);
      if (stopped) throw stopped.error;
      if (read.done) {
        ended = true;
        return;
      }
      if (read.value?.byteLength) yield read.value;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (!ended) reader.cancel().catch(() => {});
  }
}

/**
 * The text of a response that is read whole (a JSON answer), within limits
 * (docs/http.md#response-size-and-deadline): the body is read as a stream
 * and its bytes are counted after decoding (fetch undoes gzip, deflate and
 * br), so a huge body or a compression bomb is stopped at `maxBytes` with a
 * `ResponseTooLargeError`; `signal` (the request's deadline) ends a body that
 * arrives too slowly. Either way the body is cancelled.
 */
export async function readResponseText(
  response: ResponseWithBody,
  options: ReadBodyOptions,
): Promise<string> {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  for await (const chunk of chunksOf(response, options.signal)) {
    total += chunk.byteLength;
    if (total > options.maxBytes) {
      throw ResponseTooLargeError.forLimit(options.maxBytes, options);
    }
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/**
 * The chunks of a streamed response (an export), as they arrive, with no
 * size cap but an idle timeout: when no chunk arrives for `idleMs` the body
 * is cancelled and the stream fails with a `NetworkError` ("the response
 * stalled"). Stopping early (`break`) cancels the body.
 */
export function streamResponseBody(
  response: ResponseWithBody,
  options: StreamBodyOptions,
): AsyncGenerator<Uint8Array> {
  const { idleMs, requestMethod, requestUrl } = options;
  const reason = `the response stalled: no data for ${idleMs} ms`;
  const where =
    requestMethod && requestUrl ? ` (${requestMethod} ${requestUrl.split('?')[0]})` : '';
  return chunksOf(response, options.signal, {
    ms: idleMs,
    error: () =>
      new NetworkError(
        `HTTP error: ${reason}${where}. Retry; the server or the network stopped sending.`,
        { reason, requestMethod, requestUrl },
      ),
  });
}
