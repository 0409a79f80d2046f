import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Journal } from '../src/lib/journal';

let databases = 0;
const fresh = () => Journal.open(indexedDB, `journal-test-${databases++}`);

describe('Journal', () => {
  it('numbers changes above everything the server or the journal used, and keeps them across a reload', async () => {
    const name = `journal-test-${databases++}`;
    const journal = await Journal.open(indexedDB, name);
    expect((await journal.record('e:c', 'q1', { choices: ['A'] }, 41)).saveNumber).toBe(42);
    expect((await journal.record('e:c', 'q2', { text: 'x' }, 10)).saveNumber).toBe(43);
    journal.close();

    const reloaded = await Journal.open(indexedDB, name);
    expect((await reloaded.pending('e:c')).map((e) => [e.saveNumber, e.questionId])).toEqual([[42, 'q1'], [43, 'q2']]);
    expect((await reloaded.record('e:c', 'q1', { choices: ['B'] }, 0)).saveNumber).toBe(44);
    expect((await reloaded.latest('e:c')).get('q1')?.answer).toEqual({ choices: ['B'] });
  });

  it('keeps sessions apart and records when each change was made', async () => {
    const journal = await fresh();
    await journal.record('e:a', 'q1', { likert: -2 }, 0, new Date('2026-12-02T09:05:00Z'));
    await journal.record('e:b', 'q1', { likert: 1 }, 0);
    const a = await journal.entries('e:a');
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ saveNumber: 1, recordedAt: '2026-12-02T09:05:00.000Z', state: 'pending' });
  });

  it('renumbers what is pending above what another page used, in order, and forgets a submitted session', async () => {
    const journal = await fresh();
    await journal.record('e:c', 'q1', { choices: ['A'] }, 0);
    await journal.record('e:c', 'q2', { likert: 1 }, 0);
    await journal.record('e:c', 'q3', { text: 'x' }, 0);
    await journal.settle('e:c', 1, 'acknowledged');
    await journal.renumber('e:c', 40);
    expect((await journal.pending('e:c')).map((e) => [e.saveNumber, e.questionId])).toEqual([[41, 'q2'], [42, 'q3']]);
    expect((await journal.record('e:c', 'q4', { cleared: true }, 0)).saveNumber).toBe(43);
    await journal.forget('e:c');
    expect(await journal.entries('e:c')).toEqual([]);
    expect((await journal.record('e:c', 'q1', { choices: ['B'] }, 0)).saveNumber).toBe(1);
  });

  it('forgets nothing it settles: acknowledged and refused entries stay, only pending ones are sent', async () => {
    const journal = await fresh();
    await journal.record('e:c', 'q1', { choices: ['A'] }, 0);
    await journal.record('e:c', 'q2', { choices: ['Z'] }, 0);
    await journal.record('e:c', 'q3', { cleared: true }, 0);
    await journal.settle('e:c', 1, 'acknowledged');
    await journal.settle('e:c', 2, 'rejected', 'no option Z');
    expect((await journal.pending('e:c')).map((e) => e.saveNumber)).toEqual([3]);
    expect((await journal.entries('e:c')).map((e) => e.state)).toEqual(['acknowledged', 'rejected', 'pending']);
    expect([...(await journal.latest('e:c')).keys()]).toEqual(['q1', 'q3']);
  });
});
