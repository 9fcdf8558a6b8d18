// The scaling suite: partitioning, load balancing and caching, each part in its own file.
import type { BenchCase, Suite } from '../harness/types.js';
import { cacheCases, cacheChildCases } from './scaling-cache.js';
import { hashCases } from './scaling-hash.js';
import { balancingCases } from './scaling-lb.js';

export const suite: Suite = {
  name: 'scaling',
  cases: (): BenchCase[] => [...hashCases(), ...balancingCases(), ...cacheCases()],
  // Building every case computes partition quality and hit ratios; a case's child needs none of it.
  childCases: cacheChildCases,
};
