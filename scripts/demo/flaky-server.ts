import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One phase of the flaky service's script. */
export interface Phase {
  readonly name: string;
  readonly durationMs: number;
  /** Fraction of requests answered with 503. */
  readonly errorRate: number;
  /** Fraction of requests that never get an answer (until the client gives up). */
  readonly hangRate: number;
  /** Service time range in milliseconds. */
  readonly latencyMs: readonly [number, number];
}

/** The script the demo plays: healthy, flaky, down, slow, recovered. */
export const DEMO_PHASES: readonly Phase[] = [
  { name: 'healthy', durationMs: 5_000, errorRate: 0.01, hangRate: 0, latencyMs: [5, 25] },
  { name: 'flaky (30% errors)', durationMs: 6_000, errorRate: 0.3, hangRate: 0, latencyMs: [5, 30] },
  { name: 'outage (all errors)', durationMs: 6_000, errorRate: 1, hangRate: 0, latencyMs: [1, 3] },
  { name: 'slow (some hang)', durationMs: 6_000, errorRate: 0.02, hangRate: 0.1, latencyMs: [80, 400] },
  { name: 'recovered', durationMs: 7_000, errorRate: 0.01, hangRate: 0, latencyMs: [5, 25] },
];

/** A local HTTP service that misbehaves on a schedule. */
export interface FlakyService {
  readonly url: string;
  /** The phase in force now. */
  phase(): Phase;
  /** Requests the server has received, and how many sockets clients closed before an answer. */
  readonly stats: { received: number; abandoned: number };
  close(): Promise<void>;
}

export async function startFlakyService(phases: readonly Phase[], now: () => number): Promise<FlakyService> {
  const started = now();
  const total = phases.reduce((sum, p) => sum + p.durationMs, 0);
  const phase = (): Phase => {
    let t = (now() - started) % total;
    for (const p of phases) {
      if (t < p.durationMs) return p;
      t -= p.durationMs;
    }
    return phases[phases.length - 1]!;
  };
  const stats = { received: 0, abandoned: 0 };
  const server: Server = createServer((request, response) => {
    stats.received++;
    const p = phase();
    let answered = false;
    response.on('close', () => {
      if (!answered) stats.abandoned++;
    });
    if (Math.random() < p.hangRate) return; // never answers: only a client-side timeout frees the caller
    const [low, high] = p.latencyMs;
    setTimeout(
      () => {
        answered = true;
        if (Math.random() < p.errorRate) {
          response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' }).end('unavailable');
        } else {
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(`{"ok":true,"path":"${request.url}"}`);
        }
      },
      low + Math.random() * (high - low),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    phase,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
