import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError, TimeoutError } from '../../errors/index.js';
import {
  AbortableContext,
  contextFrom,
  type ExecuteContext,
  ForwardContext,
  type Policy,
} from '../../policy/index.js';
import { noopPolicy, Pipeline, pipeline, pipelineBuilder, wrap } from './index.js';

/** Logs entering and leaving, with the outcome it saw from the layers inside. */
function recording(name: string, log: string[]): Policy {
  return {
    async execute(fn, options) {
      const context = contextFrom(options);
      log.push(`enter ${name}`);
      try {
        const value = await fn(context);
        log.push(`leave ${name} with ${String(value)}`);
        return value;
      } catch (error) {
        log.push(`leave ${name} failing ${(error as Error).message}`);
        throw error;
      }
    },
  };
}

/** Doubles a numeric result: lets an outer layer observe what an inner one produced. */
const doubling: Policy = {
  async execute(fn, options) {
    return (((await fn(contextFrom(options))) as number) * 2) as never;
  },
};

/** A minimal retry: forwards the context with a rising attempt number. */
function retrying(maxAttempts: number): Policy {
  return {
    async execute(fn, options) {
      const parent = contextFrom(options);
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(new ForwardContext(parent, parent.deadline, attempt));
        } catch (error) {
          if (attempt >= maxAttempts) throw error;
        }
      }
    },
  };
}

/** A minimal timeout: shortens the deadline and aborts its own context when it passes. */
function limiting(clock: VirtualClock, ms: number): Policy {
  return {
    async execute(fn, options) {
      const parent = contextFrom(options);
      const deadline = Math.min(parent.deadline, clock.now() + ms);
      const context = new AbortableContext(parent, deadline, parent.attempt);
      const timer = clock.setTimeout(
        () => context.abort(new TimeoutError(ms, deadline)),
        deadline - clock.now(),
      );
      try {
        return await fn(context);
      } finally {
        timer.clear();
        context.release();
      }
    },
  };
}

/** A policy whose context the test can abort from outside. */
function abortable(): Policy & { abort(reason: unknown): void } {
  let current: AbortableContext | undefined;
  return {
    abort(reason) {
      current?.abort(reason);
    },
    async execute(fn, options) {
      const parent = contextFrom(options);
      current = new AbortableContext(parent, parent.deadline, parent.attempt);
      try {
        return await fn(current);
      } finally {
        current.release();
      }
    },
  };
}

function waitForAbort(context: ExecuteContext): Promise<never> {
  return new Promise((_, reject) => {
    context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
  });
}

describe('pipeline', () => {
  it('runs the first policy outermost, and each outer layer sees what the inner ones produced', async () => {
    const log: string[] = [];
    const composed = pipeline(recording('outer', log), doubling, recording('inner', log));
    await expect(composed.execute(() => 21)).resolves.toBe(42);
    expect(log).toEqual(['enter outer', 'enter inner', 'leave inner with 21', 'leave outer with 42']);
  });

  it('is also available as wrap and through the builder, with the same order', async () => {
    for (const make of [
      (a: Policy, b: Policy) => wrap(a, b),
      (a: Policy, b: Policy) => pipelineBuilder().add(a).add(b).build(),
    ]) {
      const log: string[] = [];
      await make(recording('a', log), recording('b', log)).execute(() => 1);
      expect(log).toEqual(['enter a', 'enter b', 'leave b with 1', 'leave a with 1']);
    }
  });

  it('with no policies runs the function once with a root context from the options', async () => {
    const controller = new AbortController();
    let seen: ExecuteContext | undefined;
    await expect(
      pipeline().execute(
        (context) => {
          seen = context;
          return 'plain';
        },
        { signal: controller.signal, deadline: 123 },
      ),
    ).resolves.toBe('plain');
    expect(seen?.signal).toBe(controller.signal);
    expect(seen?.deadline).toBe(123);
    expect(seen?.attempt).toBe(1);
    const boom = new Error('sync');
    await expect(
      pipeline().execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('flattens nested pipelines and drops no-op layers', () => {
    const a = retrying(1);
    const b = doubling;
    const c = retrying(2);
    const composed = pipeline(a, pipeline(b, noopPolicy, pipeline(c)), noopPolicy);
    expect(composed.policies).toEqual([a, b, c]);
    expect(Object.isFrozen(composed.policies)).toBe(true);
    expect(pipeline(noopPolicy).policies).toEqual([]);
  });

  it('passes the attempt number of an outer retry to inner policies and the function', async () => {
    const innerSaw: number[] = [];
    const spy: Policy = {
      execute(fn, options) {
        const context = contextFrom(options);
        innerSaw.push(context.attempt);
        return Promise.resolve(fn(context));
      },
    };
    const fnSaw: number[] = [];
    const result = await pipeline(retrying(3), spy).execute(({ attempt }) => {
      fnSaw.push(attempt);
      if (attempt < 3) throw new Error(`attempt ${attempt}`);
      return attempt;
    });
    expect(result).toBe(3);
    expect(innerSaw).toEqual([1, 2, 3]);
    expect(fnSaw).toEqual([1, 2, 3]);
  });

  it('gives the function the earliest of the deadlines set outside it', async () => {
    const clock = new VirtualClock(1000);
    for (const [outer, inner] of [
      [100, 50],
      [50, 100],
      [100, 90],
    ] as const) {
      let deadline = 0;
      await pipeline(limiting(clock, outer), limiting(clock, inner)).execute(
        (context) => {
          deadline = context.deadline;
        },
        { deadline: 1000 + 80 },
      );
      expect(deadline).toBe(1000 + Math.min(outer, inner, 80));
    }
    expect(clock.pendingTimers).toBe(0);
  });

  it('delivers the reason of an outer abort to the function, through the layers between', async () => {
    const outer = abortable();
    const reason = new Error('hedge lost');
    const running = pipeline(outer, retrying(1), doubling).execute((context) => {
      queueMicrotask(() => outer.abort(reason));
      return waitForAbort(context);
    });
    await expect(running).rejects.toBe(reason);
  });

  it('delivers a timeout of an outer layer to the function as its signal reason', async () => {
    const clock = new VirtualClock();
    const running = pipeline(limiting(clock, 30), retrying(1)).execute((context) => waitForAbort(context));
    const outcome = running.catch((error: unknown) => error);
    await clock.advanceAsync(30);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(30);
  });

  it('passes the caller signal through to the function when no layer replaces it', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await pipeline(retrying(2), doubling).execute(
      ({ signal }) => {
        seen = signal;
        return 1;
      },
      { signal: controller.signal },
    );
    expect(seen).toBe(controller.signal);
  });

  it('propagates errors unchanged, whatever was thrown', async () => {
    const composed = pipeline(retrying(2), doubling, retrying(1));
    for (const thrown of [new Error('same object'), 'a string', 17, undefined]) {
      await expect(
        composed.execute(() => {
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      await expect(composed.execute(() => Promise.reject(thrown))).rejects.toBe(thrown);
    }
  });

  it('turns a policy that throws synchronously into a rejection', async () => {
    const boom = new Error('eager');
    const eager: Policy = {
      execute() {
        throw boom;
      },
    };
    const result = pipeline(eager, doubling).execute(() => 1);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toBe(boom);
  });

  it('rejects something that is not a policy, naming its position', () => {
    for (const bad of [null, {}, { execute: 1 }, 'policy']) {
      try {
        pipeline(noopPolicy, bad as unknown as Policy);
        expect.unreachable();
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect((error as { field: string }).field).toBe('policies[1]');
      }
    }
  });

  it('keeps the order of layers for any composition of nested pipelines (property)', async () => {
    type Tree = string | Tree[];
    const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('a', 'b', 'c', 'd'),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(fc.array(tree, { maxLength: 4 }), async (layers) => {
        const log: string[] = [];
        const names: string[] = [];
        const build = (node: Tree): Policy => {
          if (typeof node === 'string') {
            const name = `${node}${names.length}`;
            names.push(name);
            return recording(name, log);
          }
          return new Pipeline(node.map(build));
        };
        const composed = pipeline(...layers.map(build));
        await composed.execute(() => 'x');
        expect(composed.policies.length).toBe(names.length);
        expect(log).toEqual([
          ...names.map((n) => `enter ${n}`),
          ...[...names].reverse().map((n) => `leave ${n} with x`),
        ]);
      }),
    );
  });
});

describe('pipeline laziness', () => {
  const Original = globalThis.AbortController;
  afterEach(() => {
    globalThis.AbortController = Original;
  });

  function countControllers(): { count: number } {
    const counter = { count: 0 };
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        counter.count++;
      }
    };
    return counter;
  }

  it('creates no AbortController when the function never reads its signal', async () => {
    const clock = new VirtualClock();
    const counter = countControllers();
    const composed = pipeline(retrying(3), abortable(), limiting(clock, 100), doubling);
    let calls = 0;
    await expect(
      composed.execute(() => {
        calls++;
        if (calls < 2) throw new Error('once');
        return 4;
      }),
    ).resolves.toBe(8);
    expect(counter.count).toBe(0);
    await composed.execute(({ signal }) => signal.aborted);
    expect(counter.count).toBeGreaterThan(0);
  });
});
