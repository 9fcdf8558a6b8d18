import { describe, expect, it } from 'vitest';
import { DisposableStore, EventEmitter, once } from './event.js';

describe('EventEmitter', () => {
  it('delivers to listeners until they are disposed', () => {
    const emitter = new EventEmitter<number>();
    const seen: number[] = [];
    const sub = emitter.event((n) => seen.push(n));
    emitter.emit(1);
    sub.dispose();
    emitter.emit(2);
    expect(seen).toEqual([1]);
    expect(emitter.size).toBe(0);
  });

  it('keeps delivering when one listener throws', async () => {
    const emitter = new EventEmitter<string>();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    emitter.event(() => {
      throw new Error('bad listener');
    });
    emitter.event((v) => seen.push(v));
    emitter.emit('x');
    await new Promise((r) => setImmediate(r));
    process.off('uncaughtException', onError);
    expect(seen).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });

  it('once resolves with the next value, and rejects on abort with the reason', async () => {
    const emitter = new EventEmitter<number>();
    const next = once(emitter.event);
    emitter.emit(7);
    await expect(next).resolves.toBe(7);
    const controller = new AbortController();
    const pending = once(emitter.event, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(emitter.size).toBe(0);
  });

  it('DisposableStore releases everything it holds', () => {
    const emitter = new EventEmitter<void>();
    const store = new DisposableStore();
    store.add(emitter.event(() => {}));
    store.add(emitter.event(() => {}));
    expect(emitter.size).toBe(2);
    store.dispose();
    expect(emitter.size).toBe(0);
  });
});
