import { seededRandom } from '@keel/core/random';
import { describe, expect, it } from 'vitest';
import { constant, uniform } from '../distributions.js';
import { World } from '../world.js';
import { applyFault, type Fault, randomFaults } from './faults.js';

function world() {
  const w = new World({ seed: 2, defaultLink: { latency: constant(1) } });
  w.service('api', { serviceTime: constant(5), concurrency: 100 });
  w.node('client');
  return w;
}

describe('faults', () => {
  it('switch on at their time and off after their duration', async () => {
    const w = world();
    const counts = w.faults([{ at: 100, duration: 50, fault: { kind: 'isolate', node: 'api' } }]);
    const seen: [number, boolean][] = [];
    for (const t of [50, 120, 200])
      w.sim.schedule(t, () => seen.push([t, w.network.canReach('client', 'api')]), 0);
    w.sim.schedule(120, () => seen.push([-1, counts.active === 1]), 0);
    await w.run(300);
    expect(seen).toEqual([
      [50, true],
      [120, false],
      [-1, true],
      [200, true],
    ]);
    expect(counts).toEqual({ applied: 1, active: 0 });
  });

  it('crash restarts the service when the fault ends, losing state unless kept', () => {
    const w = new World();
    const svc = w.service('db', { initialState: () => ({ rows: 0 }) });
    svc.state.rows = 5;
    const restart = applyFault(w, { kind: 'crash', service: 'db' });
    expect(svc.up).toBe(false);
    restart();
    expect(svc.up).toBe(true);
    expect(svc.state.rows).toBe(0);
    svc.state.rows = 7;
    applyFault(w, { kind: 'crash', service: 'db', keepState: true })();
    expect(svc.state.rows).toBe(7);
  });

  it('every kind applies and reverts', () => {
    const w = world();
    const svc = w.services.get('api')!;
    const cases: Fault[] = [
      { kind: 'partition', a: ['client'], b: ['api'], oneWay: true },
      { kind: 'brownout', service: 'api', slowdown: 2, errorRate: 0.5 },
      { kind: 'errors', service: 'api', rate: 1 },
      { kind: 'hang', service: 'api', rate: 1 },
      { kind: 'link', from: 'client', to: 'api', both: true, link: { loss: 1 } },
      { kind: 'skew', node: 'client', offsetMs: 1_000 },
    ];
    for (const fault of cases) {
      const undo = applyFault(w, fault);
      undo();
    }
    expect(w.network.canReach('client', 'api')).toBe(true);
    expect(w.network.linkOptions('api', 'client').loss).toBe(0);
    expect(w.network.clockOf('client').now()).toBe(0);
    const skew = applyFault(w, { kind: 'skew', node: 'client', offsetMs: 1_000 });
    expect(w.network.clockOf('client').now()).toBe(1_000);
    skew();
    expect(svc.up).toBe(true);
    expect(() => applyFault(w, { kind: 'errors', service: 'nope', rate: 1 })).toThrow(/fault\.service/);
    expect(() => applyFault(w, { kind: 'meteor' } as never)).toThrow(/fault\.kind/);
  });

  it('random schedules are drawn from the seed', () => {
    const options = {
      horizonMs: 600_000,
      meanGapMs: 10_000,
      duration: uniform(1_000, 2_000),
      faults: [
        { kind: 'crash', service: 'api' },
        { kind: 'isolate', node: 'client' },
      ] as Fault[],
    };
    const a = randomFaults(seededRandom(1), options);
    const b = randomFaults(seededRandom(1), options);
    const c = randomFaults(seededRandom(2), options);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBeGreaterThan(40);
    expect(a.length).toBeLessThan(80);
    expect(a.every((f, i) => f.at < 600_000 && (i === 0 || f.at > a[i - 1]!.at))).toBe(true);
    expect(new Set(a.map((f) => f.fault.kind)).size).toBe(2);
    expect(() => randomFaults(seededRandom(1), { ...options, faults: [] })).toThrow(/faults/);
    expect(() => randomFaults(seededRandom(1), { ...options, meanGapMs: 0 })).toThrow(/meanGapMs/);
  });
});
