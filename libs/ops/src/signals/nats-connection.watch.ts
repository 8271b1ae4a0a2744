/** The part of a NATS connection the watch reads. */
export interface WatchedConnection {
  status(): AsyncIterable<{ type: string }>;
  isClosed(): boolean;
}

export type NatsConnectionState = 'connected' | 'disconnected' | 'reconnecting' | 'closed';

export interface NatsConnectionStatus {
  state: NatsConnectionState;
  disconnects: number;
  reconnects: number;
  lastChangeAt: string | null;
}

/** Follows a NATS connection's status events (saturation signal "NATS connection state"). */
export class NatsConnectionWatch {
  private current: NatsConnectionStatus = { state: 'connected', disconnects: 0, reconnects: 0, lastChangeAt: null };
  private iterator: (AsyncIterable<{ type: string }> & { stop?: () => void }) | null = null;

  constructor(private readonly nc: WatchedConnection) {
    void this.follow();
  }

  status(): NatsConnectionStatus {
    if (this.nc.isClosed()) return { ...this.current, state: 'closed' };
    return { ...this.current };
  }

  stop(): void {
    this.iterator?.stop?.();
    this.iterator = null;
  }

  private async follow(): Promise<void> {
    this.iterator = this.nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
    try {
      for await (const s of this.iterator) {
        const at = new Date().toISOString();
        if (s.type === 'disconnect') this.current = { ...this.current, state: 'disconnected', disconnects: this.current.disconnects + 1, lastChangeAt: at };
        else if (s.type === 'reconnecting') this.current = { ...this.current, state: 'reconnecting', lastChangeAt: at };
        else if (s.type === 'reconnect') this.current = { ...this.current, state: 'connected', reconnects: this.current.reconnects + 1, lastChangeAt: at };
        else if (s.type === 'close') {
          this.current = { ...this.current, state: 'closed', lastChangeAt: at };
          return;
        }
      }
    } catch {
      // the status stream ends with the connection
    }
  }
}
