import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock/index.js';
import { isTimeoutError } from '../../errors/index.js';
import { timeout } from './timeout.js';
import { deadlineFromHeaders, deadlineToHeaders } from './timeout-header.js';

/** Resolves with `promise`, or rejects after a generous real-time guard so a hang fails the test. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe('timeout over real HTTP', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('aborts the request so the server sees the connection close, and the caller gets a TimeoutError', async () => {
    let closedBeforeAnswer: Promise<boolean> | undefined;
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      // Never answer; report whether the response was cut off unfinished.
      closedBeforeAnswer = once(res, 'close').then(() => !res.writableFinished);
      arrived();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;

    const policy = timeout(150);
    const timeouts: number[] = [];
    policy.onTimeout(({ timeoutMs }) => timeouts.push(timeoutMs));
    const call = policy.execute(async ({ signal }) => {
      const response = await fetch(`http://127.0.0.1:${port}/slow`, { signal });
      return response.status;
    });

    const error = await within(
      call.then(
        () => undefined,
        (e: unknown) => e,
      ),
      10_000,
      'the caller being released',
    );
    expect(isTimeoutError(error)).toBe(true);
    expect(timeouts).toEqual([150]);

    await within(requestArrived, 10_000, 'the request reaching the server');
    expect(
      await within(closedBeforeAnswer!, 10_000, "the server seeing the request's connection close"),
    ).toBe(true);
  });

  it('carries the remaining time to a node:http server, which reads a shorter deadline from IncomingHttpHeaders', async () => {
    const budgets: number[] = [];
    const server = createServer((req, res) => {
      const deadline = deadlineFromHeaders(req.headers, systemClock, { maxMs: 60_000 });
      budgets.push(deadline - systemClock.now());
      res.end(req.headers['grpc-timeout']);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;

    const policy = timeout(5_000);
    const sent = await within(
      policy.execute(async ({ deadline, signal }) => {
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          signal,
          headers: deadlineToHeaders(deadline, systemClock),
        });
        return response.text();
      }),
      10_000,
      'the answer',
    );
    expect(sent).toMatch(/^\d{1,8}[HMSmun]$/);
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toBeGreaterThan(0);
    expect(budgets[0]).toBeLessThanOrEqual(5_000);
  });
});
