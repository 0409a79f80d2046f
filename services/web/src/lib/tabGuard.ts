// One tab per exam session in this browser. A tab that opens a session asks the others whether
// one of them holds it; a holder answers and the newcomer is refused. Two tabs opening at the same
// moment both claim; the earlier claim wins (ties broken by id), the other is refused. The
// server's session lease does the same across devices.

type Message =
  | { type: 'who-holds'; session: string; from: string }
  | { type: 'held'; session: string; by: string; since: number }
  | { type: 'claim'; session: string; by: string; since: number };

export interface Channel {
  postMessage(message: Message): void;
  onmessage: ((event: { data: Message }) => void) | null;
  close(): void;
}

export class TabGuard {
  private holding = false;
  private since = 0;
  private refused: (() => void) | null = null;

  constructor(
    private readonly session: string,
    private readonly channel: Channel = new BroadcastChannel('amphi-session-tabs') as unknown as Channel,
    private readonly id: string = crypto.randomUUID(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Resolves true when this tab now holds the session, false when another tab does. Once held,
   * onLost is called if a tab that claimed earlier turns up.
   */
  acquire(waitMillis = 300, onLost: () => void = () => {}): Promise<boolean> {
    this.since = this.now();
    return new Promise((resolve) => {
      let settled = false;
      const settle = (held: boolean) => {
        if (settled) return;
        settled = true;
        this.holding = held;
        resolve(held);
      };
      this.refused = () => {
        if (settled) {
          this.holding = false;
          onLost();
        } else {
          settle(false);
        }
      };
      this.channel.onmessage = (event) => this.receive(event.data);
      this.channel.postMessage({ type: 'claim', session: this.session, by: this.id, since: this.since });
      this.channel.postMessage({ type: 'who-holds', session: this.session, from: this.id });
      setTimeout(() => settle(true), waitMillis);
    });
  }

  release(): void {
    this.holding = false;
    this.channel.onmessage = null;
    this.channel.close();
  }

  private receive(message: Message): void {
    if (message.session !== this.session) return;
    if (message.type === 'who-holds' && this.holding && message.from !== this.id) {
      this.channel.postMessage({ type: 'held', session: this.session, by: this.id, since: this.since });
    } else if (message.type === 'held' && message.by !== this.id && !this.holding) {
      this.refused?.();
    } else if (message.type === 'claim' && message.by !== this.id) {
      const theirsFirst = message.since < this.since || (message.since === this.since && message.by < this.id);
      if (this.holding) {
        this.channel.postMessage({ type: 'held', session: this.session, by: this.id, since: this.since });
      } else if (theirsFirst) {
        this.refused?.();
      }
    }
  }
}
