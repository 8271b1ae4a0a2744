import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';

/** One request the capture server received, exactly as it came. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with (null: left hanging). */
  status: number | null;
  receivedAt: number;
}

/**
 * `up`: answer 200 (or the path's status); `unavailable`: answer 503; `hang`: take the request and
 * never answer; `refused`: not listening at all (connections are refused).
 */
export type CaptureMode = 'up' | 'unavailable' | 'hang' | 'refused';

/**
 * A local HTTP server standing in for Slack, PagerDuty and webhooks in tests and benches: it
 * records every request (method, path, headers, body as received) and answers as its mode says;
 * `down('unavailable' | 'refused')` and `up()` switch it, on the same port. `failNext(path, n)`
 * answers the next n requests to a path with 503 (a receiver that is briefly unwell), and
 * `respond(path, status)` answers a path with a fixed status.
 */
export class HttpCaptureServer {
  readonly requests: CapturedRequest[] = [];
  private modeNow: CaptureMode = 'up';
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly statusOf = new Map<string, number>();
  private readonly failing = new Map<string, { left: number; status: number; match: (request: CapturedRequest) => boolean }>();
  private readonly listeners: Array<(request: CapturedRequest) => void> = [];
  private readonly server: Server;

  private constructor(readonly port: number, server: Server) {
    this.server = server;
    server.on('request', (req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1, on `port` or a free one. */
  static async start(port = 0): Promise<HttpCaptureServer> {
    const server = createServer({ keepAliveTimeout: 5000 });
    await listen(server, port);
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('capture server has no port');
    return new HttpCaptureServer(address.port, server);
  }

  get mode(): CaptureMode {
    return this.modeNow;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The requests to `path` (all of them without one). */
  received(path?: string): CapturedRequest[] {
    return path === undefined ? [...this.requests] : this.requests.filter((r) => r.path === path);
  }

  /** Requests taken and not answered (mode `hang`). */
  get pending(): number {
    return this.hanging.size;
  }

  /** Calls `listener` for every request from now on. */
  onRequest(listener: (request: CapturedRequest) => void): void {
    this.listeners.push(listener);
  }

  /** Answers the next `n` requests to `path` (those `match` accepts) with `status` (default 503), then as before. */
  failNext(path: string, n: number, options: { status?: number; match?: (request: CapturedRequest) => boolean } = {}): void {
    this.failing.set(path, { left: n, status: options.status ?? 503, match: options.match ?? (() => true) });
  }

  /** Answers every request to `path` with `status` (null: as the mode says again). */
  respond(path: string, status: number | null): void {
    if (status === null) this.statusOf.delete(path);
    else this.statusOf.set(path, status);
  }

  /** Takes requests and never answers them (until `up`). */
  hang(): void {
    this.modeNow = 'hang';
  }

  /** 503 to everything, or no listener at all (connections refused; open ones are cut). */
  async down(how: 'unavailable' | 'refused' = 'unavailable'): Promise<void> {
    this.modeNow = how;
    if (how === 'refused') await this.stopListening();
  }

  /** Back to answering, on the same port; requests left hanging are answered 200 now. */
  async up(): Promise<void> {
    const wasRefused = this.modeNow === 'refused';
    this.modeNow = 'up';
    for (const res of this.hanging) answer(res, 200);
    this.hanging.clear();
    if (wasRefused) await listen(this.server, this.port);
  }

  /** Forgets what it received (the mode stays). */
  clear(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.modeNow = 'refused';
    await this.stopListening();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const captured: CapturedRequest = { method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: null, receivedAt: Date.now() };
      const failing = this.failing.get(path);
      let status: number | null;
      if (failing && failing.left > 0 && failing.match(captured)) {
        failing.left--;
        status = failing.status;
      } else if (this.modeNow === 'hang') status = null;
      else if (this.modeNow !== 'up') status = 503;
      else status = this.statusOf.get(path) ?? 200;
      captured.status = status;
      this.requests.push(captured);
      for (const l of this.listeners) l(captured);
      if (status === null) {
        this.hanging.add(res);
        res.once('close', () => this.hanging.delete(res));
      } else answer(res, status);
    });
  }

  private async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.hanging.clear();
    await closed;
  }
}

function answer(res: ServerResponse, status: number): void {
  const body = status < 300 ? '{"ok":true}' : `{"error":"capture server answered ${status}"}`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
