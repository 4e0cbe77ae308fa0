/** The mock clock (docs/testkit.md#tokens-and-clock): real time plus an offset. Only token and code expiry read it. */
export interface MockClock {
  /** Moves the mock clock forward (or back, with a negative number) by `seconds`. */
  advance(seconds: number): void;
  /** Seconds added to real time; assignable. */
  offsetSeconds: number;
}

export class Clock implements MockClock {
  offsetSeconds = 0;

  advance(seconds: number): void {
    if (!Number.isFinite(seconds))
      throw new TypeError(`clock.advance needs a finite number, got ${seconds}`);
    this.offsetSeconds += seconds;
  }

  /** Mock time in epoch milliseconds. */
  nowMs(): number {
    return Date.now() + this.offsetSeconds * 1000;
  }
}
