import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { invalidOptionField } from '../../testing/index.js';
import type { HealthCheck } from './health-check.js';
import type { CheckCompleted, HealthStateChange } from './health-service.js';
import { HealthService, healthService } from './health-service.js';

function counting(check: Omit<HealthCheck, 'check'>, body: HealthCheck['check'] = () => undefined) {
  const calls = { count: 0 };
  const definition: HealthCheck = {
    ...check,
    check: (signal) => {
      calls.count++;
      return body(signal);
    },
  };
  return { definition, calls };
}

describe('aggregation', () => {
  it('passes with no checks and returns the descriptive header', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      version: '2',
      releaseId: '2.1.0',
      serviceId: 'svc-1',
      description: 'orders',
      notes: ['canary'],
    });
    expect(await health.readiness()).toEqual({
      status: 'pass',
      version: '2',
      releaseId: '2.1.0',
      serviceId: 'svc-1',
      description: 'orders',
      notes: ['canary'],
      checks: {},
    });
  });

  it('takes the worst status; a failing non-critical check only warns', async () => {
    const clock = new VirtualClock();
    const pass: HealthCheck = { name: 'a', check: () => undefined };
    const warn: HealthCheck = { name: 'b', check: () => ({ status: 'warn', output: 'slow' }) };
    const optionalFail: HealthCheck = {
      name: 'c',
      critical: false,
      check: () => {
        throw new Error('c is down');
      },
    };
    const criticalFail: HealthCheck = { name: 'd', check: () => ({ status: 'down' }) };
    expect((await healthService({ clock, checks: [pass] }).readiness()).status).toBe('pass');
    expect((await healthService({ clock, checks: [pass, warn] }).readiness()).status).toBe('warn');
    const degraded = await healthService({ clock, checks: [pass, optionalFail] }).readiness();
    expect(degraded.status).toBe('warn');
    // The entry itself stays honest about the failure.
    expect(degraded.checks['c']?.[0]).toMatchObject({ status: 'fail', output: 'c is down' });
    expect(degraded.output).toBe('c: c is down');
    const failed = await healthService({
      clock,
      checks: [pass, warn, optionalFail, criticalFail],
    }).readiness();
    expect(failed.status).toBe('fail');
    expect(failed.output).toBe('b: slow; c: c is down; d: fail');
  });

  it('builds health+json entries keyed by component:measurement with measurements', async () => {
    const clock = new VirtualClock(Date.UTC(2024, 0, 2, 3, 4, 5));
    const health = healthService({
      clock,
      checks: [
        {
          name: 'broker',
          measurement: 'responseTime',
          componentId: 'nats-1',
          componentType: 'component',
          observedUnit: 'ms',
          check: () => ({
            observedValue: 4,
            measurements: { storage: { observedValue: 1024, observedUnit: 'bytes' } },
          }),
        },
        { name: 'uptime', componentType: 'system', check: () => ({ observedValue: 12, observedUnit: 's' }) },
      ],
    });
    const report = await health.health();
    expect(report).toEqual({
      status: 'pass',
      checks: {
        'broker:responseTime': [
          {
            componentId: 'nats-1',
            componentType: 'component',
            observedValue: 4,
            observedUnit: 'ms',
            status: 'pass',
            time: '2024-01-02T03:04:05.000Z',
          },
        ],
        'broker:storage': [
          {
            componentId: 'nats-1',
            componentType: 'component',
            observedValue: 1024,
            observedUnit: 'bytes',
            status: 'pass',
            time: '2024-01-02T03:04:05.000Z',
          },
        ],
        uptime: [
          {
            componentType: 'system',
            observedValue: 12,
            observedUnit: 's',
            status: 'pass',
            time: '2024-01-02T03:04:05.000Z',
          },
        ],
      },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('puts several instances of one component under one key, and rejects exact duplicates', async () => {
    const clock = new VirtualClock();
    const health = healthService({ clock });
    health.add({ name: 'db', componentId: 'primary', check: () => undefined });
    health.add({ name: 'db', componentId: 'replica', check: () => ({ status: 'warn' }) });
    const report = await health.readiness();
    expect(report.checks['db']?.map((e) => [e.componentId, e.status])).toEqual([
      ['primary', 'pass'],
      ['replica', 'warn'],
    ]);
    expect(
      invalidOptionField(() => health.add({ name: 'db', componentId: 'primary', check: () => undefined })),
    ).toBe('name');
  });

  it('removes a check when its registration is disposed', async () => {
    const health = healthService({ clock: new VirtualClock() });
    const registration = health.add({ name: 'x', check: () => ({ status: 'fail' }) });
    expect((await health.readiness()).status).toBe('fail');
    registration.dispose();
    registration.dispose();
    expect((await health.readiness()).status).toBe('pass');
  });
});

describe('timeouts', () => {
  it('fails an overrunning check with a TimeoutError output and aborts its signal', async () => {
    const clock = new VirtualClock();
    let seen: AbortSignal | undefined;
    const health = healthService({
      clock,
      checks: [
        {
          name: 'slow',
          timeoutMs: 200,
          check: (signal) => {
            seen = signal;
            return new Promise(() => undefined);
          },
        },
      ],
    });
    const pending = health.readiness();
    await clock.advanceAsync(199);
    expect(seen?.aborted).toBe(false);
    await clock.advanceAsync(1);
    const report = await pending;
    expect(report.status).toBe('fail');
    expect(report.checks['slow']?.[0]?.output).toBe('TimeoutError: Operation timed out after 200 ms');
    expect(seen?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears the timer of a check that finishes in time', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      checks: [{ name: 'fast', timeoutMs: 200, check: () => undefined }],
    });
    expect((await health.readiness()).status).toBe('pass');
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses the service-wide default timeout', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      defaults: { timeoutMs: 50 },
      checks: [{ name: 'slow', check: () => new Promise(() => undefined) }],
    });
    const pending = health.readiness();
    await clock.advanceAsync(50);
    expect((await pending).checks['slow']?.[0]?.output).toContain('50 ms');
  });
});

describe('caching', () => {
  it('calls the check once within the TTL and again after it', async () => {
    const clock = new VirtualClock();
    const { definition, calls } = counting({ name: 'db', cacheMs: 1_000 }, () => ({
      observedValue: clock.now(),
    }));
    const health = healthService({ clock, checks: [definition] });
    const first = await health.readiness();
    await clock.advanceAsync(500);
    const second = await health.readiness();
    await health.health();
    expect(calls.count).toBe(1);
    expect(second.checks['db']?.[0]?.time).toBe(first.checks['db']?.[0]?.time);
    await clock.advanceAsync(500);
    const third = await health.readiness();
    expect(calls.count).toBe(2);
    expect(third.checks['db']?.[0]?.observedValue).toBe(1_000);
  });

  it('shares one run between concurrent probes even without caching', async () => {
    const clock = new VirtualClock();
    const { definition, calls } = counting({ name: 'db', cacheMs: 0 }, async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
    });
    const health = healthService({ clock, checks: [definition] });
    const probes = [health.readiness(), health.readiness(), health.health()];
    await clock.advanceAsync(10);
    await Promise.all(probes);
    expect(calls.count).toBe(1);
    const again = health.readiness();
    await clock.advanceAsync(10);
    await again;
    expect(calls.count).toBe(2);
  });

  it('refreshes in the background and serves the latest result without running on demand', async () => {
    const clock = new VirtualClock();
    let healthy = true;
    const { definition, calls } = counting({ name: 'db', refreshMs: 1_000, cacheMs: 0 }, () =>
      healthy ? undefined : { status: 'fail' },
    );
    const health = healthService({ clock, checks: [definition] });
    await clock.advanceAsync(0);
    expect(calls.count).toBe(1);
    expect((await health.readiness()).status).toBe('pass');
    expect(calls.count).toBe(1);
    healthy = false;
    expect((await health.readiness()).status).toBe('pass');
    await clock.advanceAsync(1_000);
    expect(calls.count).toBe(2);
    expect((await health.readiness()).status).toBe('fail');
    health.dispose();
    await clock.advanceAsync(5_000);
    expect(calls.count).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts refreshing checks added after start, but not before start with new', async () => {
    const clock = new VirtualClock();
    const manual = new HealthService({ clock });
    const early = counting({ name: 'early', refreshMs: 100 });
    manual.add(early.definition);
    await clock.advanceAsync(300);
    expect(early.calls.count).toBe(0);
    manual.start();
    const late = counting({ name: 'late', refreshMs: 100 });
    manual.add(late.definition);
    await clock.advanceAsync(250);
    expect(early.calls.count).toBe(3);
    expect(late.calls.count).toBe(3);
    manual.dispose();
  });

  it('reports every real run to onCheckCompleted', async () => {
    const clock = new VirtualClock();
    const seen: CheckCompleted[] = [];
    const health = healthService({
      clock,
      checks: [
        {
          name: 'db',
          critical: false,
          check: async () => {
            await new Promise<void>((resolve) => clock.setTimeout(resolve, 30));
            return { status: 'warn' };
          },
        },
      ],
    });
    const subscription = health.onCheckCompleted((event) => seen.push(event));
    const pending = health.readiness();
    await clock.advanceAsync(30);
    await pending;
    await health.readiness();
    expect(seen).toEqual([{ name: 'db', status: 'warn', critical: false, durationMs: 30 }]);
    subscription.dispose();
  });
});

describe('probes', () => {
  it('keeps dependency checks out of liveness by default', async () => {
    const clock = new VirtualClock();
    const dependency = counting({ name: 'db' }, () => ({ status: 'fail' }));
    const loop = counting({ name: 'eventLoop', probes: ['liveness', 'readiness'] });
    const health = healthService({ clock, checks: [dependency.definition, loop.definition] });
    const live = await health.liveness();
    expect(live.status).toBe('pass');
    expect(Object.keys(live.checks)).toEqual(['eventLoop']);
    expect(dependency.calls.count).toBe(0);
    const ready = await health.readiness();
    expect(ready.status).toBe('fail');
    expect(Object.keys(ready.checks)).toEqual(['db', 'eventLoop']);
  });

  it('gates readiness and liveness until the startup checks first pass', async () => {
    const clock = new VirtualClock();
    let warmedUp = false;
    const warmup = counting({ name: 'cache', measurement: 'warm', probes: ['startup'] }, () =>
      warmedUp ? undefined : { status: 'fail', output: 'loading' },
    );
    const ready = counting({ name: 'db' });
    const live = counting({ name: 'loop', probes: ['liveness'] });
    const changes: HealthStateChange[] = [];
    const health = healthService({
      clock,
      defaults: { cacheMs: 0 },
      checks: [warmup.definition, ready.definition, live.definition],
    });
    health.onStateChange((change) => changes.push(change));
    expect(health.state.kind).toBe('starting');

    const notReady = await health.readiness();
    expect(notReady).toMatchObject({ status: 'fail', output: 'starting up' });
    expect(notReady.checks['cache:warm']?.[0]?.output).toBe('loading');
    expect((await health.startup()).status).toBe('fail');
    const liveDuringStart = await health.liveness();
    expect(liveDuringStart).toMatchObject({ status: 'pass', output: 'starting up', checks: {} });
    expect(ready.calls.count).toBe(0);
    expect(live.calls.count).toBe(0);

    warmedUp = true;
    expect((await health.readiness()).status).toBe('pass');
    expect(health.state.kind).toBe('running');
    expect(changes.map((c) => `${c.from.kind}->${c.to.kind}`)).toEqual(['starting->running']);
    expect((await health.liveness()).checks['loop']).toHaveLength(1);

    // After the first success the startup answer is latched, even if the check regresses.
    const runs = warmup.calls.count;
    warmedUp = false;
    expect((await health.startup()).status).toBe('pass');
    expect(warmup.calls.count).toBe(runs);
  });

  it('starts at the first probe when there are no startup checks, or when marked by hand', async () => {
    const clock = new VirtualClock(10);
    const plain = healthService({ clock });
    await plain.liveness();
    expect(plain.state).toEqual({ kind: 'running', since: 10 });

    const manual = healthService({
      clock,
      checks: [{ name: 'migrations', probes: ['startup'], check: () => ({ status: 'fail' }) }],
    });
    expect((await manual.readiness()).status).toBe('fail');
    manual.markStarted();
    manual.markStarted();
    expect(manual.state.kind).toBe('running');
    expect((await manual.readiness()).status).toBe('pass');
    expect((await manual.startup()).status).toBe('pass');
  });

  it('report(kind) dispatches to each probe', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      checks: [
        { name: 'l', probes: ['liveness'], check: () => undefined },
        { name: 'r', check: () => undefined },
        { name: 's', probes: ['startup'], check: () => undefined },
      ],
    });
    expect(Object.keys((await health.report('startup')).checks)).toEqual(['s']);
    expect(Object.keys((await health.report('liveness')).checks)).toEqual(['l']);
    expect(Object.keys((await health.report('readiness')).checks)).toEqual(['r']);
    expect(Object.keys((await health.report('health')).checks)).toEqual(['l', 'r', 's']);
  });
});

describe('shutdown', () => {
  it('fails readiness at once while liveness keeps passing', async () => {
    const clock = new VirtualClock(5);
    const ready = counting({ name: 'db' });
    const health = healthService({
      clock,
      checks: [ready.definition, { name: 'loop', probes: ['liveness'], check: () => undefined }],
    });
    expect((await health.readiness()).status).toBe('pass');
    const changes: HealthStateChange[] = [];
    health.onStateChange((change) => changes.push(change));
    clock.advance(5);
    health.beginShutdown();
    health.beginShutdown();
    expect(changes).toEqual([
      { from: { kind: 'running', since: 5 }, to: { kind: 'shutting-down', since: 10 } },
    ]);
    const calls = ready.calls.count;
    await clock.advanceAsync(10_000);
    expect(await health.readiness()).toEqual({ status: 'fail', output: 'shutting down', checks: {} });
    expect(ready.calls.count).toBe(calls);
    expect((await health.liveness()).status).toBe('pass');
    const full = await health.health();
    expect(full).toMatchObject({ status: 'fail', output: 'shutting down' });
    expect(Object.keys(full.checks)).toEqual(['db', 'loop']);
  });

  it('drain begins shutdown and resolves after the grace period on the clock', async () => {
    const clock = new VirtualClock();
    const health = healthService({ clock, shutdownGraceMs: 3_000 });
    let drained = false;
    const draining = health.drain().then(() => {
      drained = true;
    });
    expect(health.state.kind).toBe('shutting-down');
    await clock.advanceAsync(2_999);
    expect(drained).toBe(false);
    await clock.advanceAsync(1);
    await draining;
    expect(drained).toBe(true);

    const quick = healthService({ clock });
    const controller = new AbortController();
    const cut = quick.drain({ graceMs: 60_000, signal: controller.signal });
    controller.abort(new Error('second signal'));
    await expect(cut).rejects.toThrow('second signal');
    await quick.drain({ graceMs: 0 });
  });

  it('a service that starts shutting down mid-startup stays not ready', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      checks: [
        {
          name: 'warm',
          probes: ['startup'],
          check: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 10)),
        },
      ],
    });
    const pending = health.readiness();
    health.beginShutdown();
    await clock.advanceAsync(10);
    expect(await pending).toMatchObject({ status: 'fail', output: 'shutting down' });
  });
});

describe('options', () => {
  it('names the offending field for every bad service option', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ clock: 5 }, 'clock'],
      [{ clock: {} }, 'clock'],
      [{ version: '' }, 'version'],
      [{ releaseId: 1 }, 'releaseId'],
      [{ serviceId: null }, 'serviceId'],
      [{ description: {} }, 'description'],
      [{ notes: 'x' }, 'notes'],
      [{ notes: ['ok', ''] }, 'notes[1]'],
      [{ shutdownGraceMs: -1 }, 'shutdownGraceMs'],
      [{ checks: {} }, 'checks'],
      [{ checks: [{ name: 'a' }] }, 'checks[0].check'],
      [{ defaults: { timeoutMs: 0 } }, 'defaults.timeoutMs'],
      [{ defaults: { probes: ['nope'] } }, 'defaults.probes[0]'],
      [{ defaults: 3 }, 'defaults'],
      [{ grace: 1 }, 'options.grace'],
    ];
    for (const [options, field] of bad)
      expect(invalidOptionField(() => healthService(options as never))).toBe(field);
    expect(invalidOptionField(() => healthService(7 as never))).toBe('options');
  });

  it('validates drain options', async () => {
    const health = healthService({ clock: new VirtualClock() });
    await expect(health.drain({ graceMs: -5 })).rejects.toMatchObject({ field: 'drain.graceMs' });
    await expect(health.drain({ signal: 'x' as never })).rejects.toMatchObject({ field: 'drain.signal' });
    await expect(health.drain({ wait: 1 } as never)).rejects.toMatchObject({ field: 'drain.wait' });
    expect(health.state.kind).toBe('starting');
  });

  it('rejects badly typed options at compile time', () => {
    // @ts-expect-error notes are strings
    const make = () => healthService({ notes: [1] });
    expect(make).toThrow();
  });
});
