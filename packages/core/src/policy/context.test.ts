import { describe, expect, it } from 'vitest';
import { AbortableContext, contextFrom, ForwardContext, linkableSignalOf } from './context.js';

describe('execution contexts', () => {
  it('contextFrom builds a root from options and passes contexts through', () => {
    const controller = new AbortController();
    const root = contextFrom({ signal: controller.signal, deadline: 99 });
    expect(root.signal).toBe(controller.signal);
    expect(root.deadline).toBe(99);
    expect(root.attempt).toBe(1);
    expect(contextFrom(root)).toBe(root);
    const bare = contextFrom(undefined);
    expect(bare.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(bare.signal.aborted).toBe(false);
  });

  it('ForwardContext shares the parent signal', () => {
    const root = contextFrom({});
    const child = new ForwardContext(root, 10, 2);
    expect(child.signal).toBe(root.signal);
    expect(child.attempt).toBe(2);
  });

  it('AbortableContext remembers an abort that came before its signal was read', () => {
    const child = new AbortableContext(contextFrom({}), 10, 1);
    child.abort('late');
    expect(child.aborted).toBe(true);
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe('late');
  });

  it('AbortableContext follows its parent once read, and unhooks on release', () => {
    const controller = new AbortController();
    const child = new AbortableContext(contextFrom({ signal: controller.signal }), 10, 1);
    const signal = child.signal;
    controller.abort('parent');
    expect(signal.reason).toBe('parent');
    const other = new AbortController();
    const second = new AbortableContext(contextFrom({ signal: other.signal }), 10, 1);
    void second.signal;
    second.release();
    other.abort('ignored');
    expect(second.signal.aborted).toBe(false);
  });

  it('does not create a signal for a parent that can never abort', () => {
    let created = 0;
    const Original = globalThis.AbortController;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        created++;
      }
    };
    try {
      const child = new AbortableContext(new ForwardContext(contextFrom({}), 10, 2), 10, 2);
      expect(child.signal.aborted).toBe(false);
      expect(created).toBe(1);
      child.abort('own');
      expect(child.signal.reason).toBe('own');
      const withCaller = new AbortableContext(contextFrom({ signal: new Original().signal }), 10, 1);
      void withCaller.signal;
      expect(created).toBe(2);
    } finally {
      globalThis.AbortController = Original;
    }
  });

  it('linkableSignalOf names the signal that can abort a context, and none when nothing can', () => {
    expect(linkableSignalOf(contextFrom(undefined))).toBeUndefined();
    expect(linkableSignalOf(contextFrom({ deadline: 5 }))).toBeUndefined();
    const controller = new AbortController();
    const root = contextFrom({ signal: controller.signal });
    expect(linkableSignalOf(root)).toBe(controller.signal);
    expect(linkableSignalOf(new ForwardContext(root, 10, 2))).toBe(controller.signal);
    expect(linkableSignalOf(new ForwardContext(contextFrom(undefined), 10, 2))).toBeUndefined();
    const own = new AbortableContext(contextFrom(undefined), 10, 1);
    expect(linkableSignalOf(own)).toBe(own.signal);
    const foreign = { signal: controller.signal, deadline: 1, attempt: 1 };
    expect(linkableSignalOf(foreign)).toBe(controller.signal);
  });
});
