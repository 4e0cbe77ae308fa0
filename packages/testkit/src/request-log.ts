/** The request log (docs/testkit.md#request-log): every non-admin request, in arrival order. */
import type { ParsedRequest } from './http-io';

export interface RequestRecord {
  id: number;
  /** ISO time of arrival (real time). */
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, full values (test secrets are fake). */
  headers: Record<string, string>;
  /** Parsed JSON, a parsed form object, the text, or `null` without a body. */
  body: unknown;
  /** `null` while unanswered, and for `hang` / `reset`. */
  status: number | null;
  /** The fault rule that acted on the request, if any. */
  faultId: number | null;
}

export interface RequestFilter {
  path?: string;
  method?: string;
}

export class RequestLog {
  private records: RequestRecord[] = [];
  private lastId = 0;

  /** Numbers a request as it arrives, before its body is read, so ids follow arrival order. */
  reserve(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** Logs a request under its arrival id and returns the live record (status is filled in later). */
  add(request: ParsedRequest, id = this.reserve()): RequestRecord {
    const record: RequestRecord = {
      id,
      at: new Date().toISOString(),
      method: request.method,
      path: request.path,
      query: { ...request.query },
      headers: { ...request.headers },
      body: structuredClone(request.body),
      status: null,
      faultId: null,
    };
    // A request whose body took longer goes back to its place in arrival order.
    let at = this.records.length;
    while (at > 0 && this.records[at - 1]!.id > id) at -= 1;
    this.records.splice(at, 0, record);
    return record;
  }

  /** Copies of the matching records (`method` compared case-insensitively). */
  find(filter: RequestFilter = {}): RequestRecord[] {
    return structuredClone(
      this.records.filter(
        (record) =>
          (filter.path === undefined || record.path === filter.path) &&
          (filter.method === undefined || record.method === filter.method.toUpperCase()),
      ),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.find(filter).length;
  }

  clear(): void {
    this.records = [];
  }

  reset(): void {
    this.records = [];
    this.lastId = 0;
  }
}
