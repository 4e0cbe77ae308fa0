/**
 * What a sweep uses of the testkit's `MockMixpanel` (structural: every
 * package's test typecheck includes this file, and not every package depends
 * on the testkit).
 */
export interface SweepMock {
  readonly origin: string;
  reset(): void;
  configure(patch: Record<string, unknown>): unknown;
}

/** The preload module (`node --require`) that SIGKILLs its process at the k-th file-system change. */
export const PRELOAD: string;
/** The built `mp` launcher. */
export const MP: string;
/** How long the command after a kill may take. */
export const PROMPT_MS: number;

export interface MpRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runMp(
  args: readonly string[],
  options: {
    home: string;
    env?: Record<string, string>;
    stdin?: string;
    killAt?: number;
    trace?: string;
    note?: string;
  },
): Promise<MpRun>;

/** Every file under `dir`, by relative path. */
export function snapshot(dir: string): Map<string, Buffer>;

export interface MpCommand {
  args: string[];
  stdin?: string;
}

export interface Writer {
  name: string;
  /** Also run in `pnpm test`. */
  fast?: boolean;
  /** Mock configuration for this writer. */
  mock?: Record<string, unknown>;
  setup: MpCommand[];
  command: MpCommand;
  next(home: string): MpCommand[];
  check?(home: string): string | null;
}

export const WRITERS: Writer[];

export interface KillFailure {
  k: number;
  /** The call the run was killed before, `op path` (HOME shown as `~`). */
  op: string;
  problem: string;
}

export interface SweepResult {
  writer: string;
  /** N: the run at k = N + 1 was not killed. */
  points: number;
  /** The mutating calls of the traced, unkilled run. */
  tracedPoints: number;
  failures: KillFailure[];
  slowestNextMs: number;
}

export function sweep(
  writer: Writer,
  options: { mock: SweepMock; onPoint?: (point: { k: number; op: string }) => void },
): Promise<SweepResult>;
