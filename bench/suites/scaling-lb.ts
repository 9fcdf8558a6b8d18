// The load-balancing part of the scaling suite: what one pick costs (with the report that ends
// the call) for each Keel balancing algorithm over 10 endpoints. No npm library offers the same
// client-side balancers, so the reference is the physical floor: indexing an array round robin.

import {
  type BalancingAlgorithm,
  EndpointSet,
  type LoadBalancerOptions,
  leastOutstanding,
  loadBalancer,
  maglevHash,
  peakEwma,
  ringHash,
  roundRobin,
  smoothWeightedRoundRobin,
  weightedRandom,
} from '@keel/core/load-balancing';
import { SeededRandom } from '@keel/core/random';
import type { BenchCase, Operation, TimedContender } from '../harness/types.js';

const ENDPOINTS = 10;
/** Calls per timed operation, so the harness's per-operation await does not drown them. */
const BATCH = 100;
const LIMIT = 'array[i++ % n] (limit)';
const OK = { latencyMs: 5, ok: true, status: 200 } as const;

function endpoints(weighted: boolean): EndpointSet {
  return new EndpointSet(
    Array.from({ length: ENDPOINTS }, (_, i) => ({
      id: `10.0.0.${i + 1}:8080`,
      weight: weighted ? 1 + (i % 3) : 1,
    })),
  );
}

/** A fixed clock reading moved on by each call, so latency-aware algorithms see time pass. */
function steppingClock() {
  let now = 0;
  return { now: () => (now += 0.01), setTimeout: () => ({ clear() {} }) };
}

function picks(
  algorithm: () => BalancingAlgorithm,
  options: { weighted?: boolean; keyed?: boolean; balancer?: LoadBalancerOptions } = {},
): TimedContender {
  return {
    prepare: (): Operation => {
      const balancer = loadBalancer(endpoints(options.weighted ?? false), algorithm(), {
        clock: steppingClock(),
        random: new SeededRandom(7),
        ...options.balancer,
      });
      const keys = Array.from({ length: 1024 }, (_, i) => `session:${i}`);
      let at = 0;
      return options.keyed
        ? () => {
            for (let i = 0; i < BATCH; i++) {
              const endpoint = balancer.pick(keys[at++ & 1023]);
              balancer.report(endpoint, OK);
            }
            return 1;
          }
        : () => {
            for (let i = 0; i < BATCH; i++) balancer.report(balancer.pick(), OK);
            return 1;
          };
    },
  };
}

const arrayRoundRobin: TimedContender = {
  prepare: () => {
    const hosts = Array.from({ length: ENDPOINTS }, (_, i) => ({
      id: `10.0.0.${i + 1}:8080`,
      outstanding: 0,
    }));
    let next = 0;
    return () => {
      for (let i = 0; i < BATCH; i++) {
        const host = hosts[next++ % ENDPOINTS]!;
        host.outstanding++;
        host.outstanding--;
      }
      return 1;
    };
  },
};

/** The balancing cases: one per algorithm. */
export function balancingCases(): BenchCase[] {
  const item = (label: string, keel: TimedContender): BenchCase => ({
    kind: 'time',
    synchronous: true,
    name: `pick + report, ${ENDPOINTS} endpoints: ${label}`,
    note: `Per call, timed as loops of ${BATCH} calls. No anchor: the limit is a bare array round robin.`,
    callsPerOperation: BATCH,
    keel,
    anchors: {},
    limits: { [LIMIT]: arrayRoundRobin },
  });
  return [
    item('round robin', picks(roundRobin)),
    item('smooth weighted round robin (weights 1-3)', picks(smoothWeightedRoundRobin, { weighted: true })),
    item('weighted random (weights 1-3)', picks(weightedRandom, { weighted: true })),
    item('least outstanding, power of two choices', picks(leastOutstanding)),
    item('peak EWMA, power of two choices', picks(peakEwma)),
    item(
      'peak EWMA + outlier detection (Envoy defaults)',
      picks(peakEwma, { balancer: { outlierDetection: true } }),
    ),
    item('ring hash (160 vnodes), keyed', picks(ringHash, { keyed: true })),
    item(
      'ring hash with bounded loads (factor 1.25), keyed',
      picks(() => ringHash({ balanceFactor: 1.25 }), { keyed: true }),
    ),
    item('Maglev (M=65537), keyed', picks(maglevHash, { keyed: true })),
  ];
}

export const suite = { name: 'scaling-lb', cases: balancingCases };
