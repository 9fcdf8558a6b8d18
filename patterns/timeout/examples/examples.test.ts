import { describe, expect, it } from 'vitest';
import { main as aggressive } from './aggressive.js';
import { main as cooperative } from './cooperative.js';
import { main as deadlinePropagation } from './deadline-propagation.js';
import { main as fetchExample } from './fetch.js';

describe('timeout examples', () => {
  it('cooperative: the fast call answers, the slow one stops at the limit', async () => {
    expect(await cooperative()).toEqual({
      fast: 'rows',
      slow: 'timed out after 200 ms',
      timeouts: [200],
      finishedAt: 200,
    });
  });

  it('aggressive: the caller is released at the limit while the work runs on', async () => {
    expect(await aggressive()).toEqual({ outcome: 'timeout', releasedAt: 100, legacyFinishedAt: 1_000 });
  });

  it('deadline propagation: the callee stops when the caller’s budget runs out', async () => {
    expect(await deadlinePropagation()).toEqual({
      header: '300000u',
      answer: 'gave up with the caller',
      stoppedAt: 1_000,
    });
  });

  it('fetch: a slow endpoint times out, a fast one answers', async () => {
    expect(await fetchExample()).toEqual({ fast: 'hello', slow: 'timeout' });
  });
});
