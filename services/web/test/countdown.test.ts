import { describe, expect, it } from 'vitest';
import { Countdown, clock } from '../src/lib/countdown';

describe('Countdown', () => {
  it('counts from the server on the monotonic clock, whatever the wall clock says', () => {
    let now = 1_000;
    const countdown = new Countdown(20 * 60_000, () => now);
    now += 60_000;
    expect(countdown.remaining()).toBe(19 * 60_000);
    countdown.update(30 * 60_000);
    now += 1_000;
    expect(countdown.remaining()).toBe(30 * 60_000 - 1_000);
    now += 10 * 3_600_000;
    expect(countdown.remaining()).toBe(0);
  });

  it('warns once at 15 minutes and once at 5 minutes', () => {
    let now = 0;
    const countdown = new Countdown(16 * 60_000, () => now);
    expect(countdown.warning()).toBeNull();
    now += 61_000;
    expect(countdown.warning()).toBe(15);
    expect(countdown.warning()).toBeNull();
    now += 10 * 60_000;
    expect(countdown.warning()).toBe(5);
    now += 60_000;
    expect(countdown.warning()).toBeNull();
  });

  it('does not warn about 15 minutes when it starts with less, nor twice after a long sleep', () => {
    let now = 0;
    expect(new Countdown(10 * 60_000, () => now).warning()).toBeNull();
    const slept = new Countdown(20 * 60_000, () => now);
    now += 17 * 60_000;
    expect(slept.warning()).toBe(5);
    expect(slept.warning()).toBeNull();
  });

  it('stands still while the session is paused and runs again from the server after', () => {
    let now = 0;
    const countdown = new Countdown(30 * 60_000, () => now);
    now += 60_000;
    countdown.hold(29 * 60_000);
    now += 10 * 60_000;
    expect(countdown.remaining()).toBe(29 * 60_000);
    countdown.update(29 * 60_000);
    now += 1_000;
    expect(countdown.remaining()).toBe(29 * 60_000 - 1_000);
  });

  it('shows hours only when there are some', () => {
    expect(clock(3_723_000)).toBe('1:02:03');
    expect(clock(723_000)).toBe('12:03');
    expect(clock(59_001)).toBe('1:00');
  });
});
