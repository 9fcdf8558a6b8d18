import { describe, expect, it } from 'vitest';
import { main as basic } from './basic.js';
import { main as maintenance } from './maintenance.js';
import { main as resultMode } from './result-mode.js';
import { main as sharedState } from './shared-state.js';
import { main as slidingWindow } from './sliding-window.js';

describe('circuit breaker examples', () => {
  it('basic: trips after three failures, refuses, then a probe closes it', async () => {
    expect(await basic()).toEqual({
      results: [
        'Error: 503 Service Unavailable',
        'Error: 503 Service Unavailable',
        'Error: 503 Service Unavailable',
        'refused, retry in 1000 ms',
        'refused, retry in 600 ms',
        'stock 4',
      ],
      transitions: [
        'closed -> open (tripped)',
        'open -> half-open (break-elapsed)',
        'half-open -> closed (probes-succeeded)',
      ],
      calls: 4,
    });
  });

  it('sliding window: opens when 60 % of five calls were slow', async () => {
    expect(await slidingWindow()).toEqual({
      answered: [50, 80, 300, 350, 400],
      openedAfter: 5,
      rateWhenOpened: 0.6,
      state: 'open',
    });
  });

  it('result mode: falls back to the cache without calling the open dependency', async () => {
    expect(await resultMode()).toEqual({
      prices: [9.99, 9.99, 9.99, 9.99, 9.99],
      sources: [
        'cache (call failed)',
        'cache (call failed)',
        'cache (circuit open)',
        'cache (circuit open)',
        'cache (circuit open)',
      ],
      pricingCalls: 2,
    });
  });

  it('shared state: a second instance resumes the open circuit and its remaining break', async () => {
    expect(await sharedState()).toEqual({
      saved: 'open',
      retryAfterMs: 7_500,
      afterBreak: 'paid',
      state: 'closed',
    });
  });

  it('maintenance: an isolated circuit refuses calls until released', async () => {
    expect(await maintenance()).toEqual({
      log: [
        'closed -> isolated (isolated)',
        'refused during migration',
        'isolated -> closed (released)',
        'after migration: row',
      ],
      queries: 1,
    });
  });
});
