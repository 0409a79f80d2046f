import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Offline, Problem, type Answer, type SaveView } from '../src/lib/api';
import { Journal } from '../src/lib/journal';
import { Outbox, backoff, type OutboxEvents } from '../src/lib/outbox';

let databases = 0;

/** A server that takes saves, or fails them on cue, and remembers what it stored in what order. */
class Server {
  received: number[] = [];
  stored = new Map<string, { saveNumber: number; answer: Answer }>();
  down = false;
  refuse: Problem | null = null;

  async save(_session: string, questionId: string, saveNumber: number, answer: Answer): Promise<SaveView> {
    if (this.down) throw new Offline('down');
    if (this.refuse) throw this.refuse;
    this.received.push(saveNumber);
    const current = this.stored.get(questionId);
    if (!current || current.saveNumber < saveNumber) this.stored.set(questionId, { saveNumber, answer });
    return { saveNumber, outcome: 'APPLIED', remainingMillis: 60_000 };
  }
}

function recorder() {
  const log: string[] = [];
  const events: OutboxEvents = {
    status: (q, s) => log.push(`${q}:${s}`),
    connection: (online) => log.push(online ? 'online' : 'offline'),
    remaining: () => {},
    ended: (reason) => log.push(`ended:${reason}`),
    held: (reason) => log.push(`held:${reason}`),
  };
  return { log, events };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const due: (() => void)[] = [];
  const schedule = (run: () => void) => {
    due.push(run);
    return 0 as unknown as ReturnType<typeof setTimeout>;
  };
  return { due, schedule };
}

describe('Outbox', () => {
  it('sends every change in order and marks each question saved', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const { log, events } = recorder();
    const outbox = new Outbox(journal, server, 'e:c', 0, events);
    await outbox.push('q1', { choices: ['A'] });
    await outbox.push('q2', { text: 'aspirin' });
    await outbox.push('q1', { choices: ['B'] });
    await outbox.flush();
    expect(server.received).toEqual([1, 2, 3]);
    expect(server.stored.get('q1')).toEqual({ saveNumber: 3, answer: { choices: ['B'] } });
    expect(await journal.pending('e:c')).toEqual([]);
    expect(log.filter((l) => l.endsWith(':saved'))).toContain('q2:saved');
  });

  it('holds every change while offline and resends them in order, with their numbers, when back', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const { log, events } = recorder();
    const timers = manualTimers();
    const outbox = new Outbox(journal, server, 'e:c', 7, events, timers.schedule);
    server.down = true;
    await outbox.push('q1', { choices: ['A'] });
    await outbox.flush();
    await outbox.push('q2', { likert: 2 });
    await outbox.push('q1', { choices: ['C'] });
    await outbox.flush();
    expect(server.received).toEqual([]);
    expect(log).toContain('offline');
    expect(log).toContain('q2:waiting');
    expect((await journal.pending('e:c')).map((e) => e.saveNumber)).toEqual([8, 9, 10]);

    server.down = false;
    timers.due.pop()!();
    await outbox.flush();
    expect(server.received).toEqual([8, 9, 10]);
    expect(server.stored.get('q1')?.answer).toEqual({ choices: ['C'] });
    expect(log).toContain('online');
  });

  it('resumes after a reload from the journal alone', async () => {
    const name = `outbox-${databases++}`;
    const first = await Journal.open(indexedDB, name);
    const server = new Server();
    server.down = true;
    const timers = manualTimers();
    const before = new Outbox(first, server, 'e:c', 0, recorder().events, timers.schedule);
    await before.push('q3', { text: 'digoxin' });
    await before.flush();
    before.stop();
    first.close();

    server.down = false;
    const reloaded = await Journal.open(indexedDB, name);
    await new Outbox(reloaded, server, 'e:c', 0, recorder().events).flush();
    expect(server.received).toEqual([1]);
    expect(server.stored.get('q3')?.answer).toEqual({ text: 'digoxin' });
  });

  it('sets a refused change aside and goes on; stops when answering is over', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const { log, events } = recorder();
    const outbox = new Outbox(journal, server, 'e:c', 0, events);
    server.refuse = new Problem(400, 'INVALID_ANSWER', 'no option Z', false, undefined, 'q1');
    await outbox.push('q1', { choices: ['Z'] });
    await outbox.flush();
    expect(log).toContain('q1:refused');
    server.refuse = new Problem(409, 'DEADLINE_PASSED', 'time is up', false);
    await outbox.push('q2', { choices: ['A'] });
    await outbox.flush();
    expect(log).toContain('ended:DEADLINE_PASSED');
    expect((await journal.entries('e:c')).map((e) => e.state)).toEqual(['rejected', 'pending']);
  });

  it('keeps every change while a proctor has the session paused and sends them once it goes on', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const { log, events } = recorder();
    const timers = manualTimers();
    const outbox = new Outbox(journal, server, 'e:c', 0, events, timers.schedule);
    server.refuse = new Problem(409, 'PAUSED', 'paused by a proctor', false);
    await outbox.push('q1', { choices: ['A'] });
    await outbox.flush();
    await outbox.push('q2', { likert: -1 });
    await outbox.flush();
    expect(log).toContain('held:PAUSED');
    expect(log).not.toContain('offline');
    expect((await journal.pending('e:c')).map((e) => e.saveNumber)).toEqual([1, 2]);

    server.refuse = null;
    timers.due.pop()!();
    await outbox.flush();
    expect(server.received).toEqual([1, 2]);
  });

  it('keeps a save that failed for any other reason than the save itself: signed out, a proxy error, a server failing', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const { log, events } = recorder();
    const timers = manualTimers();
    const outbox = new Outbox(journal, server, 'e:c', 0, events, timers.schedule);
    for (const failure of [new Problem(401, 'TOKEN_EXPIRED', 'expired', false), new Problem(502, 'HTTP_502', 'Bad Gateway', true),
                           new Problem(500, 'INTERNAL', 'failed', true), new Problem(403, 'OTHER_EXAM', 'other', false)]) {
      server.refuse = failure;
      await outbox.push('q1', { choices: ['A'] });
      await outbox.flush();
    }
    expect(log).not.toContain('q1:refused');
    expect((await journal.entries('e:c')).map((e) => e.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    server.refuse = null;
    timers.due.pop()!();
    await outbox.flush();
    expect(server.received).toEqual([1, 2, 3, 4]);
  });

  it('after another page saved meanwhile, sends what is pending above its numbers and never with one it used', async () => {
    const journal = await Journal.open(indexedDB, `outbox-${databases++}`);
    const server = new Server();
    const timers = manualTimers();
    const outbox = new Outbox(journal, server, 'e:c', 0, recorder().events, timers.schedule);
    server.down = true;
    await outbox.push('q1', { choices: ['A'] });
    await outbox.push('q2', { likert: 2 });
    await outbox.flush();
    server.down = false;
    await Promise.all([outbox.takeOverFrom(5), outbox.flush()]);
    await outbox.flush();
    expect(server.received).toEqual([6, 7]);
    expect(outbox.highestAcknowledged).toBe(7);
  });

  it('waits longer after each failure, as long as the server asks when it asks', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoff(n))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
    expect(backoff(1, 30)).toBe(30_000);
  });
});
