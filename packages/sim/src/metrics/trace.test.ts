import { describe, expect, it } from 'vitest';
import { fnv1a32, Trace } from './trace.js';

const at = (t: number) => ({ now: () => t });

describe('fnv1a32', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
  it('continues from a state', () => {
    expect(fnv1a32('bar', fnv1a32('foo'))).toBe(fnv1a32('foobar'));
  });
});

describe('Trace', () => {
  it('writes stable key order and rounded numbers', () => {
    const trace = new Trace(at(1.23456789));
    trace.emit('recv', { z: 1, a: 'x', m: 0.1 + 0.2, ok: true, none: null });
    expect(trace.lines).toEqual(['{"t":1.235,"k":"recv","a":"x","m":0.3,"none":null,"ok":true,"z":1}']);
    expect(JSON.parse(trace.toJSONL().trim())).toMatchObject({ k: 'recv', z: 1 });
  });

  it('hashes equal content equally and different content differently', () => {
    const a = new Trace(at(0));
    const b = new Trace(at(0), { keep: false });
    const c = new Trace(at(0));
    for (const trace of [a, b, c]) trace.emit('x', { n: 1 });
    c.emit('x', { n: 2 });
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(b.lines).toEqual([]);
    expect(b.count).toBe(1);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('filters kinds and caps kept lines while hashing all', () => {
    const trace = new Trace(at(0), { kinds: ['keep'], maxLines: 2 });
    expect(trace.wants('drop')).toBe(false);
    trace.emit('drop');
    for (let i = 0; i < 5; i++) trace.emit('keep', { i });
    expect(trace.count).toBe(5);
    expect(trace.lines.length).toBe(2);
  });

  it('rejects bad options', () => {
    expect(() => new Trace(at(0), { maxLines: -1 })).toThrow(/maxLines/);
    expect(() => new Trace(at(0), { keep: 'yes' } as never)).toThrow(/keep/);
  });
});
