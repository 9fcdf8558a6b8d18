// The terminal demo behind `npm start`: a local flaky HTTP service called through a composed
// policy (retry, then circuit breaker, then timeout), with a live view of outcomes, breaker
// state and latency percentiles.
//
//   npm start                    # plays the script once (about 30 s) and prints a summary
//   npm start -- --forever       # loops until Ctrl-C
//   npm start -- --duration 10   # seconds

import { circuitBreaker, countWindow, isCircuitRejection } from '@keel/core/circuit-breaker';
import { systemClock } from '@keel/core/clock';
import { isTimeoutError } from '@keel/core/errors';
import { pipeline } from '@keel/core/pipeline';
import { exponential, retry } from '@keel/core/retry';
import { timeout } from '@keel/core/timeout';
import { DEMO_PHASES, startFlakyService } from './flaky-server.js';
import { LiveStats, sparkline } from './live-stats.js';

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const args = process.argv.slice(2);
const forever = args.includes('--forever');
const durationArg = args.indexOf('--duration');
const scriptMs = DEMO_PHASES.reduce((sum, p) => sum + p.durationMs, 0);
const durationMs = forever
  ? Number.POSITIVE_INFINITY
  : durationArg >= 0
    ? Number(args[durationArg + 1]) * 1000
    : scriptMs;
if (!(durationMs > 0)) {
  console.error('--duration expects a number of seconds greater than 0');
  process.exit(2);
}
const CONCURRENCY = 8;
const interactive = process.stdout.isTTY === true;

const service = await startFlakyService(DEMO_PHASES, () => systemClock.now());
const stats = new LiveStats();

const retryPolicy = retry({
  maxRetries: 2,
  backoff: exponential({ initialDelay: 20, maxDelay: 200 }),
  // A rejection by the breaker is not worth retrying at once: the circuit is open.
  handleError: (error) => !isCircuitRejection(error),
});
const breaker = circuitBreaker({
  breaker: countWindow({ size: 20, minimumCalls: 10, failureRateThreshold: 0.5 }),
  breakDurationMs: 2_000,
});
const policy = pipeline(retryPolicy, breaker, timeout(250));
retryPolicy.onRetry(() => {
  stats.retries++;
});
const transitions: string[] = [];
breaker.onStateChange((change) => {
  transitions.push(`${((systemClock.now() - startedAt) / 1000).toFixed(1)}s ${change.from}→${change.to}`);
});

async function callOnce(): Promise<void> {
  const began = systemClock.now();
  try {
    await policy.execute(async ({ signal }) => {
      const response = await fetch(`${service.url}/orders`, { signal });
      await response.arrayBuffer();
      if (response.status >= 500) throw new HttpStatusError(response.status);
      return response.status;
    });
    stats.record('ok', systemClock.now() - began, systemClock.now());
  } catch (error) {
    const outcome = isCircuitRejection(error) ? 'rejected' : isTimeoutError(error) ? 'timedOut' : 'failed';
    stats.record(outcome, systemClock.now() - began, systemClock.now());
  }
}

const startedAt = systemClock.now();
let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
});

async function worker(): Promise<void> {
  while (!stopping && systemClock.now() - startedAt < durationMs) {
    await callOnce();
    // A little think time keeps the demo readable.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function render(): string {
  const now = systemClock.now();
  const elapsed = ((now - startedAt) / 1000).toFixed(1);
  const state = breaker.state.kind;
  const stateColour = state === 'closed' ? '\x1b[32m' : state === 'open' ? '\x1b[31m' : '\x1b[33m';
  const series = sparkline(stats.successSeries(now, 500, 60));
  return [
    `\x1b[1mKeel demo\x1b[0m  ${elapsed}s  service: ${service.phase().name}`,
    `policy: retry(2, exponential) → circuit breaker(count window 20, 50%) → timeout(250 ms)`,
    '',
    `  calls ${stats.total}   ok ${stats.ok}   failed ${stats.failed}   timed out ${stats.timedOut}   rejected by breaker ${stats.rejected}   retries ${stats.retries}`,
    `  breaker ${stateColour}${state}\x1b[0m   server saw ${service.stats.received} requests, ${service.stats.abandoned} abandoned by client timeouts`,
    `  latency p50 ${stats.percentile(0.5).toFixed(0)} ms   p90 ${stats.percentile(0.9).toFixed(0)} ms   p99 ${stats.percentile(0.99).toFixed(0)} ms`,
    `  success, last 30 s: ${series}`,
    `  transitions: ${transitions.slice(-6).join('  ') || 'none yet'}`,
  ].join('\n');
}

let lines = 0;
const view = setInterval(
  () => {
    const frame = render();
    if (interactive) {
      process.stdout.write(`${lines ? `\x1b[${lines}A\x1b[J` : ''}${frame}\n`);
      lines = frame.split('\n').length;
    } else {
      const now = systemClock.now();
      console.log(
        `${((now - startedAt) / 1000).toFixed(1)}s [${service.phase().name}] breaker=${breaker.state.kind} ok=${stats.ok} failed=${stats.failed} timedOut=${stats.timedOut} rejected=${stats.rejected} p99=${stats.percentile(0.99).toFixed(0)}ms`,
      );
    }
  },
  interactive ? 250 : 2_000,
);

await Promise.all(Array.from({ length: CONCURRENCY }, worker));
clearInterval(view);
if (interactive) process.stdout.write(`${lines ? `\x1b[${lines}A\x1b[J` : ''}${render()}\n`);
await service.close();
console.log(
  `\nDone: ${stats.total} calls, ${((stats.ok / Math.max(1, stats.total)) * 100).toFixed(1)}% succeeded; the breaker shed ${stats.rejected} calls the dead service would have failed.`,
);
