// The local journal: every change of an answer is written here, in the browser's IndexedDB, before
// it is sent. A reload, a crashed tab or a lost network loses nothing: what the server has not
// acknowledged is sent again, in order, with the save number it was given here.

import type { Answer } from './api';

export interface JournalEntry {
  sessionId: string;
  saveNumber: number;
  questionId: string;
  answer: Answer;
  /** When the candidate made the change, by this device's clock (the journal's own timestamp). */
  recordedAt: string;
  state: 'pending' | 'acknowledged' | 'rejected';
  /** Why the server refused it, for a rejected entry. */
  rejection?: string;
}

const DATABASE = 'amphi-journal';
const SAVES = 'saves';
const COUNTERS = 'counters';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('journal transaction aborted'));
  });
}

export class Journal {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = DATABASE): Promise<Journal> {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      const saves = db.createObjectStore(SAVES, { keyPath: ['sessionId', 'saveNumber'] });
      saves.createIndex('bySession', 'sessionId');
      db.createObjectStore(COUNTERS, { keyPath: 'sessionId' });
    };
    return new Journal(await promised(request));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Records a change and gives it the session's next save number, above every number this
   * journal or the server (highestAcknowledged) ever used, in one transaction.
   */
  async record(sessionId: string, questionId: string, answer: Answer, highestAcknowledged: number,
               now: Date = new Date()): Promise<JournalEntry> {
    const transaction = this.db.transaction([SAVES, COUNTERS], 'readwrite');
    const counters = transaction.objectStore(COUNTERS);
    const counter = (await promised(counters.get(sessionId))) as { sessionId: string; last: number } | undefined;
    const saveNumber = Math.max(counter?.last ?? 0, highestAcknowledged) + 1;
    const entry: JournalEntry = {
      sessionId, saveNumber, questionId, answer, recordedAt: now.toISOString(), state: 'pending',
    };
    counters.put({ sessionId, last: saveNumber });
    transaction.objectStore(SAVES).put(entry);
    await done(transaction);
    return entry;
  }

  /** Every entry of a session, by save number. */
  async entries(sessionId: string): Promise<JournalEntry[]> {
    const index = this.db.transaction(SAVES, 'readonly').objectStore(SAVES).index('bySession');
    const all = (await promised(index.getAll(IDBKeyRange.only(sessionId)))) as JournalEntry[];
    return all.sort((a, b) => a.saveNumber - b.saveNumber);
  }

  /** What the server has not acknowledged yet, in the order it must be sent. */
  async pending(sessionId: string): Promise<JournalEntry[]> {
    return (await this.entries(sessionId)).filter((e) => e.state === 'pending');
  }

  async settle(sessionId: string, saveNumber: number, state: 'acknowledged' | 'rejected', rejection?: string): Promise<void> {
    const transaction = this.db.transaction(SAVES, 'readwrite');
    const saves = transaction.objectStore(SAVES);
    const entry = (await promised(saves.get([sessionId, saveNumber]))) as JournalEntry | undefined;
    if (entry) {
      saves.put({ ...entry, state, rejection });
    }
    await done(transaction);
  }

  /**
   * Gives the pending entries new save numbers above {@code above} (another page numbered saves of
   * this session meanwhile), keeping their order; the counter moves on past them.
   */
  async renumber(sessionId: string, above: number): Promise<void> {
    const transaction = this.db.transaction([SAVES, COUNTERS], 'readwrite');
    const saves = transaction.objectStore(SAVES);
    const all = (await promised(saves.index('bySession').getAll(IDBKeyRange.only(sessionId)))) as JournalEntry[];
    const pending = all.filter((e) => e.state === 'pending').sort((a, b) => a.saveNumber - b.saveNumber);
    const counter = (await promised(transaction.objectStore(COUNTERS).get(sessionId))) as { last: number } | undefined;
    let next = Math.max(above, counter?.last ?? 0);
    for (const entry of pending) {
      saves.delete([sessionId, entry.saveNumber]);
    }
    for (const entry of pending) {
      saves.put({ ...entry, saveNumber: ++next });
    }
    transaction.objectStore(COUNTERS).put({ sessionId, last: next });
    await done(transaction);
  }

  /** Forgets a submitted session: nothing of it stays on a shared computer. */
  async forget(sessionId: string): Promise<void> {
    const transaction = this.db.transaction([SAVES, COUNTERS], 'readwrite');
    const saves = transaction.objectStore(SAVES);
    for (const key of (await promised(saves.index('bySession').getAllKeys(IDBKeyRange.only(sessionId))))) {
      saves.delete(key);
    }
    transaction.objectStore(COUNTERS).delete(sessionId);
    await done(transaction);
  }

  /** The latest change of each question, acknowledged or not: what the page shows after a reload. */
  async latest(sessionId: string): Promise<Map<string, JournalEntry>> {
    const latest = new Map<string, JournalEntry>();
    for (const entry of await this.entries(sessionId)) {
      if (entry.state !== 'rejected') latest.set(entry.questionId, entry);
    }
    return latest;
  }
}
