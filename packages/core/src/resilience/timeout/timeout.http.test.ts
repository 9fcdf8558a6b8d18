import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isTimeoutError } from '../../errors/index.js';
import { timeout } from './timeout.js';

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
});
