// Sends the journal's pending saves to the server, strictly in save-number order, one at a time:
// a later change never overtakes an earlier one. When the network is gone or the server asks to
// wait, sending pauses and resumes by itself (with growing pauses, and at once when the browser
// says it is online again); every save keeps its number, so a resend is harmless.

import { Problem, type Answer, type Api } from './api';
import type { Journal, JournalEntry } from './journal';

export type SaveStatus = 'saving' | 'saved' | 'waiting' | 'refused';

export interface OutboxEvents {
  /** A question's save indicator changed. */
  status(questionId: string, status: SaveStatus, detail?: string): void;
  /** Whether the server is being reached. */
  connection(online: boolean): void;
  /** The server's remaining time, from an acknowledged save. */
  remaining(millis: number): void;
  /** The server says answering is over (submitted, or the deadline has passed). */
  ended(reason: string): void;
  /**
   * The server holds saves back for now: a proctor paused the session (PAUSED), or another page
   * holds it (SESSION_OPEN_ELSEWHERE). Nothing is sent until then; flush when it is over.
   */
  held(reason: string): void;
}

/** While saves are held back, how often the outbox tries again on its own. */
export const HELD_RETRY_MILLIS = 5_000;

const HELD = new Set(['PAUSED', 'SESSION_OPEN_ELSEWHERE']);

/**
 * A refusal of the save itself, which sending it again can never change (an answer that does not
 * fit its question, a save number reused): the only kind of refusal that sets a save aside. Any
 * other (signed out, a proxy's error page, a server failing) keeps it, to be sent again.
 */
function refusesThisSave(e: unknown): e is Problem {
  return e instanceof Problem && e.status === 400 && !e.retryable;
}

/** Waits between attempts while the server cannot be reached: 1 s, 2 s, 4 s ... up to 15 s. */
export function backoff(attempt: number, asked?: number): number {
  const grown = Math.min(15_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return asked !== undefined ? Math.max(asked * 1_000, 1_000) : grown;
}

const ENDED = new Set(['SUBMITTED', 'DEADLINE_PASSED', 'CLOSED']);

export class Outbox {
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private highest: number;
  private stopped = false;
  private gate: Promise<void> | null = null;

  constructor(
    private readonly journal: Journal,
    private readonly api: Pick<Api, 'save'>,
    private readonly sessionId: string,
    highestAcknowledged: number,
    private readonly events: OutboxEvents,
    private readonly schedule: (run: () => void, millis: number) => ReturnType<typeof setTimeout> = setTimeout,
  ) {
    this.highest = highestAcknowledged;
  }

  /** Records a change in the journal, then sends it after everything before it. */
  async push(questionId: string, answer: Answer): Promise<JournalEntry> {
    const entry = await this.journal.record(this.sessionId, questionId, answer, this.highest);
    this.events.status(questionId, this.failures > 0 ? 'waiting' : 'saving');
    void this.flush();
    return entry;
  }

  /** Sends what is pending now; safe to call at any time (the browser came online, a timer fired). */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.running) {
      const gate = this.gate;
      this.running = (gate ? gate.then(() => this.drain()) : this.drain()).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /**
   * Another page numbered saves of this session meanwhile: what is pending goes after them. Sending
   * waits until the entries are renumbered, so none leaves with a number the other page used.
   */
  async takeOverFrom(highestAcknowledged: number): Promise<void> {
    if (highestAcknowledged <= this.highest) return;
    this.highest = highestAcknowledged;
    const draining = this.running;
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    try {
      await draining;
      await this.journal.renumber(this.sessionId, this.highest);
    } finally {
      this.gate = null;
      open();
    }
  }

  /** The highest save number the server is known to have. */
  get highestAcknowledged(): number {
    return this.highest;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = (await this.journal.pending(this.sessionId))[0];
      if (!next || this.stopped) return;
      try {
        const saved = await this.api.save(this.sessionId, next.questionId, next.saveNumber, next.answer);
        await this.journal.settle(this.sessionId, next.saveNumber, 'acknowledged');
        this.highest = Math.max(this.highest, saved.saveNumber);
        if (this.failures > 0) this.events.connection(true);
        this.failures = 0;
        this.events.remaining(saved.remainingMillis);
        await this.report(next.questionId);
      } catch (e) {
        if (e instanceof Problem && HELD.has(e.reason)) {
          this.events.held(e.reason);
          for (const waiting of await this.journal.pending(this.sessionId)) {
            this.events.status(waiting.questionId, 'waiting');
          }
          this.timer = this.schedule(() => void this.flush(), HELD_RETRY_MILLIS);
          return;
        }
        if (e instanceof Problem && ENDED.has(e.reason)) {
          this.events.ended(e.reason);
          this.stop();
          return;
        }
        if (e instanceof Problem && e.status === 401) {
          this.events.held('SIGNED_OUT');
          this.timer = this.schedule(() => void this.flush(), HELD_RETRY_MILLIS);
          return;
        }
        if (!refusesThisSave(e)) {
          this.failures++;
          this.events.connection(false);
          for (const waiting of await this.journal.pending(this.sessionId)) {
            this.events.status(waiting.questionId, 'waiting');
          }
          const wait = backoff(this.failures, e instanceof Problem ? e.retryAfterSeconds : undefined);
          this.timer = this.schedule(() => void this.flush(), wait);
          return;
        }
        const detail = e instanceof Error ? e.message : String(e);
        await this.journal.settle(this.sessionId, next.saveNumber, 'rejected', detail);
        this.events.status(next.questionId, 'refused', detail);
      }
    }
  }

  /** A question is saved once none of its changes waits to be sent. */
  private async report(questionId: string): Promise<void> {
    const pending = await this.journal.pending(this.sessionId);
    this.events.status(questionId, pending.some((e) => e.questionId === questionId) ? 'saving' : 'saved');
  }
}
