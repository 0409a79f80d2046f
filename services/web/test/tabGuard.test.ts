import { describe, expect, it } from 'vitest';
import { TabGuard, type Channel } from '../src/lib/tabGuard';

const channel = () => new BroadcastChannel('amphi-session-tabs') as unknown as Channel;

describe('TabGuard', () => {
  it('refuses a second tab on the same session while the first holds it', async () => {
    const first = new TabGuard('e:c', channel(), 'a');
    expect(await first.acquire(50)).toBe(true);
    const second = new TabGuard('e:c', channel(), 'b');
    expect(await second.acquire(200)).toBe(false);
    second.release();

    const otherSession = new TabGuard('e:d', channel(), 'c');
    expect(await otherSession.acquire(50)).toBe(true);
    first.release();
    otherSession.release();
  });

  it('lets a tab in once the holder let go', async () => {
    const first = new TabGuard('e:c', channel(), 'a');
    expect(await first.acquire(50)).toBe(true);
    first.release();
    const next = new TabGuard('e:c', channel(), 'b');
    expect(await next.acquire(100)).toBe(true);
    next.release();
  });

  it('gives two tabs opening at once one winner', async () => {
    const now = () => 1_000;
    const a = new TabGuard('e:c', channel(), 'a', now);
    const b = new TabGuard('e:c', channel(), 'b', now);
    const [heldByA, heldByB] = await Promise.all([a.acquire(200), b.acquire(200)]);
    expect([heldByA, heldByB]).toEqual([true, false]);
    a.release();
    b.release();
  });
});
