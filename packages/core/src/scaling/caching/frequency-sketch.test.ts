import { describe, expect, it } from 'vitest';
import { FrequencySketch } from './frequency-sketch.js';
import { hashCacheKey, hashString, mix32 } from './hash.js';

const h = (key: unknown) => mix32(hashCacheKey(key));

describe('FrequencySketch', () => {
  it('counts accesses up to 15 and never underestimates', () => {
    const sketch = new FrequencySketch(1_024);
    for (let i = 0; i < 20; i++) sketch.increment(h('hot'));
    for (let i = 0; i < 3; i++) sketch.increment(h('warm'));
    expect(sketch.frequency(h('hot'))).toBe(15);
    expect(sketch.frequency(h('warm'))).toBeGreaterThanOrEqual(3);
    expect(sketch.frequency(h('cold'))).toBeLessThanOrEqual(1);
  });

  it('halves every counter after 10 × capacity additions (aging)', () => {
    const sketch = new FrequencySketch(16);
    for (let i = 0; i < 12; i++) sketch.increment(h('old'));
    expect(sketch.frequency(h('old'))).toBe(12);
    let i = 0;
    while (sketch.resets === 0) sketch.increment(h(`filler${i++}`));
    expect(i).toBeLessThanOrEqual(sketch.sampleSize);
    expect(sketch.frequency(h('old'))).toBeGreaterThanOrEqual(6);
    expect(sketch.frequency(h('old'))).toBeLessThanOrEqual(8);
  });

  it('with a doorkeeper, absorbs the first access of each key', () => {
    const sketch = new FrequencySketch(1_024, true);
    sketch.increment(h('once'));
    expect(sketch.frequency(h('once'))).toBe(1);
    sketch.increment(h('once'));
    sketch.increment(h('once'));
    expect(sketch.frequency(h('once'))).toBe(3);
    expect(sketch.frequency(h('never'))).toBe(0);
    sketch.clear();
    expect(sketch.frequency(h('once'))).toBe(0);
  });

  it('keeps estimates close on a skewed stream (few collisions at its sizing)', () => {
    const sketch = new FrequencySketch(1_000);
    for (let key = 0; key < 1_000; key++) for (let n = 0; n < key % 8; n++) sketch.increment(h(key));
    let exact = 0;
    for (let key = 0; key < 1_000; key++) if (sketch.frequency(h(key)) === key % 8) exact++;
    expect(exact).toBeGreaterThan(900);
  });

  it('grows (and forgets) when the cache outgrows it', () => {
    const sketch = new FrequencySketch(16);
    sketch.increment(h('a'));
    sketch.ensureCapacity(8);
    expect(sketch.frequency(h('a'))).toBe(1);
    sketch.ensureCapacity(5_000);
    expect(sketch.capacity).toBeGreaterThanOrEqual(5_000);
    expect(sketch.frequency(h('a'))).toBe(0);
  });
});

describe('hashCacheKey', () => {
  it('is stable per value and type, and by identity for objects', () => {
    expect(hashCacheKey('abc')).toBe(hashString('abc'));
    expect(hashCacheKey(7)).toBe(7);
    expect(hashCacheKey(1.5)).toBe(hashCacheKey(1.5));
    expect(hashCacheKey(1.5)).not.toBe(hashCacheKey(2.5));
    const a = {};
    expect(hashCacheKey(a)).toBe(hashCacheKey(a));
    expect(hashCacheKey(a)).not.toBe(hashCacheKey({}));
    expect(hashCacheKey(10n)).toBe(hashCacheKey(10n));
    expect(hashCacheKey(true)).not.toBe(hashCacheKey(false));
    expect(hashCacheKey(null)).not.toBe(hashCacheKey(undefined));
    expect(typeof hashCacheKey(Symbol.for('s'))).toBe('number');
  });
});
