import { describe, expect, it } from 'vitest';
import { isInvalidOptionError, TimeoutError } from '../../errors/index.js';
import { contextFrom, type ExecuteContext } from '../../policy/index.js';
import { DEFAULT_FALLBACK_OPTIONS, type FallbackEvent, type FallbackOutcome, fallback } from './index.js';

const fail = (error: unknown) => (): never => {
  throw error;
};

describe('fallback', () => {
  it('passes a success through untouched, without calling the handler', async () => {
    let called = 0;
    const policy = fallback(() => {
      called++;
      return 'spare';
    });
    const events: FallbackEvent[] = [];
    policy.onFallback((event) => events.push(event));
    await expect(policy.execute(async () => 'real')).resolves.toBe('real');
    expect(called).toBe(0);
    expect(events).toEqual([]);
  });

  it('replaces a failure with a plain value, for sync throws and rejections alike', async () => {
    const policy = fallback('spare');
    await expect(policy.execute<string>(fail(new Error('down')))).resolves.toBe('spare');
    await expect(policy.execute<string>(() => Promise.reject(new Error('down')))).resolves.toBe('spare');
  });

  it('calls a handler with the outcome and the context it ran in, sync or async', async () => {
    const boom = new Error('down');
    const context = contextFrom({ deadline: 500 });
    const seen: [FallbackOutcome, ExecuteContext][] = [];
    const sync = fallback((outcome, ctx) => {
      seen.push([outcome, ctx]);
      return 1;
    });
    const later = fallback(async (outcome, ctx) => {
      seen.push([outcome, ctx]);
      return 2;
    });
    await expect(sync.execute<number>(fail(boom), context)).resolves.toBe(1);
    await expect(later.execute<number>(fail(boom), context)).resolves.toBe(2);
    expect(seen).toEqual([
      [{ kind: 'error', error: boom }, context],
      [{ kind: 'error', error: boom }, context],
    ]);
  });

  it('hands the incoming context to the function unchanged', async () => {
    const context = contextFrom({ deadline: 9 });
    let seen: ExecuteContext | undefined;
    await fallback(0).execute((ctx) => {
      seen = ctx;
      return 1;
    }, context);
    expect(seen).toBe(context);
  });

  it('lets errors refused by handleError through unchanged', async () => {
    const policy = fallback('spare', { handleError: (error) => error instanceof TimeoutError });
    const other = new Error('not mine');
    await expect(policy.execute<string>(fail(other))).rejects.toBe(other);
    await expect(policy.execute<string>(fail(new TimeoutError(10)))).resolves.toBe('spare');
  });

  it('replaces results flagged by handleResult, and reports them as results', async () => {
    const outcomes: FallbackOutcome[] = [];
    const policy = fallback<number | null>(
      (outcome) => {
        outcomes.push(outcome);
        return -1;
      },
      { handleResult: (value) => value === null },
    );
    await expect(policy.execute<number | null>(() => null)).resolves.toBe(-1);
    await expect(policy.execute<number | null>(() => 5)).resolves.toBe(5);
    expect(outcomes).toEqual([{ kind: 'result', value: null }]);
  });

  it('never swallows the caller aborting its own signal, unless told to', async () => {
    const reason = new Error('caller gave up');
    const run = (policy: ReturnType<typeof fallback<string>>) => {
      const controller = new AbortController();
      return policy.execute<string>(
        ({ signal }) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason));
            controller.abort(reason);
          }),
        { signal: controller.signal },
      );
    };
    await expect(run(fallback('spare'))).rejects.toBe(reason);
    await expect(run(fallback('spare', { handleCallerAbort: true }))).resolves.toBe('spare');
  });

  it('still replaces an error that is not the caller cancelling, such as an inner timeout', async () => {
    const controller = new AbortController();
    await expect(
      fallback('spare').execute<string>(fail(new TimeoutError(5)), { signal: controller.signal }),
    ).resolves.toBe('spare');
  });

  it('rejects with the handler error when the handler fails', async () => {
    const broken = new Error('no spare either');
    await expect(
      fallback(() => {
        throw broken;
      }).execute(fail(new Error('down'))),
    ).rejects.toBe(broken);
    await expect(fallback(async () => Promise.reject(broken)).execute(fail(new Error('down')))).rejects.toBe(
      broken,
    );
  });

  it('emits onFallback with the outcome and attempt, until the listener is disposed', async () => {
    const policy = fallback(0);
    const events: FallbackEvent[] = [];
    const subscription = policy.onFallback((event) => events.push(event));
    const boom = new Error('down');
    await policy.execute<number>(fail(boom), { deadline: 1 });
    expect(events).toEqual([{ outcome: { kind: 'error', error: boom }, attempt: 1 }]);
    subscription.dispose();
    await policy.execute<number>(fail(boom));
    expect(events).toHaveLength(1);
  });

  it('exports its defaults', () => {
    expect(DEFAULT_FALLBACK_OPTIONS.handleError(new Error('x'))).toBe(true);
    expect(DEFAULT_FALLBACK_OPTIONS.handleResult).toBeUndefined();
    expect(DEFAULT_FALLBACK_OPTIONS.handleCallerAbort).toBe(false);
  });

  it('rejects bad options, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ handleError: true }, 'handleError'],
      [{ handleResult: 'null' }, 'handleResult'],
      [{ handleCallerAbort: 'yes' }, 'handleCallerAbort'],
      [{ handleErrors: () => true }, 'fallback.handleErrors'],
      [null, 'options'],
      ['strict', 'options'],
    ];
    for (const [options, field] of cases) {
      try {
        fallback(0, options as never);
        expect.unreachable(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect((error as { field: string }).field).toBe(field);
      }
    }
  });
});
