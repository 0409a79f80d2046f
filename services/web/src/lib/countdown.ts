// The time left, from what the server last said, counted on the monotonic clock: changing the
// laptop's clock changes nothing.

export const WARNINGS_MINUTES = [15, 5] as const;

export class Countdown {
  private baseRemaining: number;
  private baseAt: number;
  private warned = new Set<number>();
  private held = false;

  constructor(remainingMillis: number, private readonly now: () => number = () => performance.now()) {
    this.baseRemaining = remainingMillis;
    this.baseAt = now();
    for (const minutes of WARNINGS_MINUTES) {
      if (remainingMillis <= minutes * 60_000) this.warned.add(minutes);
    }
  }

  /** The server said this just now (a save's answer, a resume); the clock runs from it. */
  update(remainingMillis: number): void {
    this.baseRemaining = remainingMillis;
    this.baseAt = this.now();
    this.held = false;
  }

  /** A proctor paused the session: the time stands still at what the server said, until the next update. */
  hold(remainingMillis: number): void {
    this.update(remainingMillis);
    this.held = true;
  }

  remaining(): number {
    const elapsed = this.held ? 0 : this.now() - this.baseAt;
    return Math.max(0, this.baseRemaining - elapsed);
  }

  /** The warning to show now (15 or 5 minutes left), once each; null otherwise. */
  warning(): number | null {
    const left = this.remaining();
    for (const minutes of [...WARNINGS_MINUTES].sort((a, b) => a - b)) {
      if (left <= minutes * 60_000 && left > 0 && !this.warned.has(minutes)) {
        for (const m of WARNINGS_MINUTES) if (m >= minutes) this.warned.add(m);
        return minutes;
      }
    }
    return null;
  }
}

/** "1:02:03" or "12:03". */
export function clock(millis: number): string {
  const total = Math.ceil(millis / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return (h > 0 ? `${h}:` : '') + `${mm}:${String(s).padStart(2, '0')}`;
}
