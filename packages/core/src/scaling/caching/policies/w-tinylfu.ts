import { check, checkKnownKeys } from '../../../options/index.js';
import type { Random } from '../../../random/index.js';
import { FrequencySketch } from '../frequency-sketch.js';
import { HASH, Links, META, NODE_SHIFT } from './links.js';
import type { EvictionPolicy, EvictionPolicyFactory, PolicyContext } from './policy.js';

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;

/** Share of the main area kept for entries read at least twice (Caffeine's 80%). */
const PROTECTED_RATIO = 0.8;
// Hill-climbing constants: a first step of 6.25% of the capacity, and a restart at that size when
// the hit rate moves by 5 points in one sample (both as in Caffeine).
const STEP_RATIO = 0.0625;
const RESTART_THRESHOLD = 0.05;
// The step's size adapts like Rprop's (Riedmiller and Braun, 1993), with its standard factors:
// it grows by 1.2 while moves keep paying and halves when the climber turns round, so the window
// catches up with a drifting working set sooner, while on a stationary one, where the direction
// flips with the sampling noise, the step dies away. Caffeine decays it by 2% per sample either way.
const STEP_GROWTH = 1.2;
const STEP_SHRINK = 0.5;
/** The step never exceeds this share of the capacity. */
const MAX_STEP_RATIO = 0.25;
/** A candidate this popular is sometimes admitted anyway, so colliding hashes cannot pin a victim. */
const HASH_FLOOD_THRESHOLD = 6;
/** At most this many entries change region per adjustment, to bound the pause. */
const MAX_TRANSFER = 1_000;

/**
 * Options of the W-TinyLFU policy.
 */
export interface WTinyLfuOptions {
  /**
   * Share of the capacity given to the admission window, an LRU that every newcomer enters
   * first (it absorbs bursts of recency). With `adaptive` this is only the starting point.
   * @default 0.01
   */
  readonly windowRatio?: number;
  /**
   * Hill-climb the window size: after each sample of `10 × capacity` reads, keep moving the
   * window's size in the direction that raised the hit rate, else turn around; the step grows
   * while moves pay and halves at each turn, so the window settles on a stationary workload and
   * chases a drifting one.
   * @default true
   */
  readonly adaptive?: boolean;
  /**
   * Put a Bloom filter in front of the frequency sketch so that keys seen once do not occupy
   * counters. Helps on traces with many one-hit wonders; costs one more probe per access.
   * @default false
   */
  readonly doorkeeper?: boolean;
}

/**
 * The defaults of {@link wTinyLfu}.
 * @example
 * ```ts
 * import { DEFAULT_W_TINYLFU_OPTIONS } from '@keel/core/caching';
 * console.log(DEFAULT_W_TINYLFU_OPTIONS.windowRatio, DEFAULT_W_TINYLFU_OPTIONS.adaptive); // 0.01 true
 * ```
 */
export const DEFAULT_W_TINYLFU_OPTIONS = {
  windowRatio: 0.01,
  adaptive: true,
  doorkeeper: false,
} as const satisfies Required<WTinyLfuOptions>;

class WTinyLfuPolicy implements EvictionPolicy {
  /** Each slot's links, its key's mixed hash ({@link HASH}) and its region ({@link META}). */
  private readonly links = new Links(8);
  private weights: Float64Array | undefined;
  private readonly sketch: FrequencySketch;
  private readonly random: Random;
  private readonly capacity: number;
  private readonly minWindow: number;
  private readonly maxWindow: number;
  private windowMax: number;
  private protectedMax: number;
  private windowWeight = 0;
  private probationWeight = 0;
  private protectedWeight = 0;
  // Hill climbing state.
  private readonly sampleSize: number;
  // Hits only count; the sample is checked on misses, so the hit path stays short (a sample
  // of nothing but hits leaves nothing to improve anyway).
  private missesInSample = 0;
  private hitsInSample = 0;
  private previousHitRate = 0;
  /** Whether a sample has been taken (the first one has no predecessor to be compared with). */
  private sampled = false;
  private stepSize: number;
  lastWasRejection = false;

  constructor(context: PolicyContext, windowRatio: number, adaptive: boolean, doorkeeper: boolean) {
    this.random = context.random;
    this.capacity = context.capacity;
    const entries = Number.isFinite(context.maxEntries) ? context.maxEntries : 1_024;
    this.sketch = new FrequencySketch(entries, doorkeeper);
    if (context.weighted) this.weights = new Float64Array(8);
    this.minWindow = Math.min(1, this.capacity);
    this.maxWindow = Math.max(this.minWindow, this.capacity - 1);
    this.windowMax = clamp(Math.round(this.capacity * windowRatio), this.minWindow, this.maxWindow);
    this.protectedMax = (this.capacity - this.windowMax) * PROTECTED_RATIO;
    this.sampleSize = adaptive ? 10 * Math.min(entries, 1 << 22) : Number.POSITIVE_INFINITY;
    this.stepSize = -STEP_RATIO * this.capacity;
  }

  grow(slots: number): void {
    this.links.grow(slots);
    if (this.weights !== undefined && slots > this.weights.length) {
      const weights = new Float64Array(slots);
      weights.set(this.weights);
      this.weights = weights;
    }
    if (slots > this.sketch.capacity * 2) this.sketch.ensureCapacity(slots);
  }

  onInsert(slot: number, keyHash: number, weight: number): void {
    const nodes = this.links.nodes;
    nodes[(slot << NODE_SHIFT) + HASH] = keyHash;
    nodes[(slot << NODE_SHIFT) + META] = WINDOW;
    if (this.weights !== undefined) this.weights[slot] = weight;
    // Not counted here: the sketch counts reads (misses included), so that a read-through miss
    // followed by its fill counts once.
    this.links.pushFront(WINDOW, slot);
    this.windowWeight += weight;
    // While the main area has room, the window's overflow moves there without any contest.
    while (
      this.windowWeight > this.windowMax &&
      this.windowWeight + this.probationWeight + this.protectedWeight <= this.capacity
    ) {
      const oldest = this.links.last(WINDOW);
      if (oldest === slot) break;
      this.toProbation(oldest, this.weightOf(oldest));
    }
  }

  onHit(slot: number): void {
    this.access(slot);
    this.hitsInSample++;
  }

  /** A read of `slot` (counted in the hill-climbing sample by the caller). */
  private access(slot: number): void {
    const at = slot << NODE_SHIFT;
    const nodes = this.links.nodes;
    this.sketch.increment(nodes[at + HASH]!);
    const region = nodes[at + META]!;
    if (region === PROBATION) this.promote(slot);
    else this.links.moveToFront(region, slot);
  }

  onHits(slots: Int32Array, count: number): void {
    // Touch every key's node and sketch block first: the loads are independent, so their cache
    // misses overlap instead of being paid one after another by the updates below.
    // A handful of reads (a write after an update or two) gains nothing from it.
    if (count > 4) this.sketch.prefetch(this.links.nodes, NODE_SHIFT, HASH, slots, count);
    for (let i = 0; i < count; i++) this.access(slots[i]!);
    this.hitsInSample += count;
  }

  onMiss(keyHash: number): void {
    this.sketch.increment(keyHash);
    if (++this.missesInSample + this.hitsInSample >= this.sampleSize) this.climb();
  }

  onUpdate(slot: number, oldWeight: number, weight: number): void {
    if (oldWeight !== weight) {
      if (this.weights !== undefined) this.weights[slot] = weight;
      this.addWeight(this.regionOf(slot), weight - oldWeight);
    }
    this.sketch.increment(this.links.nodes[(slot << NODE_SHIFT) + HASH]!);
    this.touch(slot);
  }

  onRemove(slot: number): void {
    this.links.unlink(slot);
    this.addWeight(this.regionOf(slot), -this.weightOf(slot));
  }

  evict(incoming: number): number {
    this.lastWasRejection = false;
    const links = this.links;
    if (this.windowWeight + incoming > this.windowMax) {
      const candidate = links.last(WINDOW);
      let victim = links.last(PROBATION);
      if (victim === PROBATION) victim = links.last(PROTECTED);
      if (victim !== PROTECTED && candidate !== WINDOW) {
        const candidateWeight = this.weightOf(candidate);
        links.unlink(candidate);
        this.windowWeight -= candidateWeight;
        if (this.admit(candidate, victim)) {
          this.onRemove(victim);
          links.nodes[(candidate << NODE_SHIFT) + META] = PROBATION;
          links.pushFront(PROBATION, candidate);
          this.probationWeight += candidateWeight;
          return victim;
        }
        this.lastWasRejection = true;
        return candidate;
      }
    }
    let victim = links.last(PROBATION);
    if (victim === PROBATION) victim = links.last(PROTECTED);
    if (victim === PROTECTED) victim = links.last(WINDOW);
    this.onRemove(victim);
    return victim;
  }

  clear(): void {
    this.links.reset();
    this.sketch.clear();
    this.windowWeight = 0;
    this.probationWeight = 0;
    this.protectedWeight = 0;
  }

  /** Current window size (for statistics and tests). */
  get windowSize(): number {
    return this.windowMax;
  }

  private admit(candidate: number, victim: number): boolean {
    const nodes = this.links.nodes;
    const candidateFrequency = this.sketch.frequency(nodes[(candidate << NODE_SHIFT) + HASH]!);
    // Never read: it cannot beat anyone, so the victim's node and count are not even loaded.
    if (candidateFrequency === 0) return false;
    if (candidateFrequency > this.sketch.frequency(nodes[(victim << NODE_SHIFT) + HASH]!)) return true;
    return candidateFrequency >= HASH_FLOOD_THRESHOLD && this.random.next() < 1 / 128;
  }

  private regionOf(slot: number): number {
    return this.links.nodes[(slot << NODE_SHIFT) + META]!;
  }

  private touch(slot: number): void {
    const region = this.regionOf(slot);
    if (region === PROBATION) this.promote(slot);
    else this.links.moveToFront(region, slot);
  }

  /** A probationary entry read again earns the protected segment; its overflow is demoted. */
  private promote(slot: number): void {
    const weight = this.weightOf(slot);
    const links = this.links;
    links.nodes[(slot << NODE_SHIFT) + META] = PROTECTED;
    links.moveToFront(PROTECTED, slot);
    this.probationWeight -= weight;
    this.protectedWeight += weight;
    while (this.protectedWeight > this.protectedMax) {
      const oldest = links.last(PROTECTED);
      if (oldest === slot) break;
      const oldestWeight = this.weightOf(oldest);
      links.nodes[(oldest << NODE_SHIFT) + META] = PROBATION;
      links.moveToFront(PROBATION, oldest);
      this.protectedWeight -= oldestWeight;
      this.probationWeight += oldestWeight;
    }
  }

  private toProbation(slot: number, weight: number): void {
    this.addWeight(this.regionOf(slot), -weight);
    this.links.nodes[(slot << NODE_SHIFT) + META] = PROBATION;
    this.links.moveToFront(PROBATION, slot);
    this.probationWeight += weight;
  }

  private weightOf(slot: number): number {
    return this.weights === undefined ? 1 : this.weights[slot]!;
  }

  private addWeight(region: number, delta: number): void {
    if (region === WINDOW) this.windowWeight += delta;
    else if (region === PROBATION) this.probationWeight += delta;
    else this.protectedWeight += delta;
  }

  /** One hill-climbing step: compare this sample's hit rate with the last one's. */
  private climb(): void {
    const hitRate = this.hitsInSample / (this.hitsInSample + this.missesInSample);
    const change = hitRate - this.previousHitRate;
    // Keep going while the hit rate does not fall; turn round when it does.
    const amount = change >= 0 ? this.stepSize : -this.stepSize;
    const target = clamp(Math.round(this.windowMax + amount), this.minWindow, this.maxWindow);
    // The first sample has nothing to be compared with, and a step against a bound is not taken:
    // neither says anything about the step's size, which stays as it is.
    const informative = this.sampled && target !== this.windowMax;
    let size = Math.abs(amount);
    if (informative)
      size = Math.min(size * (change >= 0 ? STEP_GROWTH : STEP_SHRINK), MAX_STEP_RATIO * this.capacity);
    if (Math.abs(change) >= RESTART_THRESHOLD && this.sampled) size = STEP_RATIO * this.capacity;
    this.stepSize = amount >= 0 ? size : -size;
    this.sampled = true;
    this.previousHitRate = hitRate;
    this.hitsInSample = 0;
    this.missesInSample = 0;
    this.resizeWindow(target);
  }

  private resizeWindow(windowMax: number): void {
    const links = this.links;
    this.windowMax = windowMax;
    this.protectedMax = (this.capacity - windowMax) * PROTECTED_RATIO;
    let moves = 0;
    // A smaller window hands its oldest entries to probation...
    while (this.windowWeight > windowMax && moves++ < MAX_TRANSFER) {
      const oldest = links.last(WINDOW);
      if (oldest === WINDOW) break;
      this.toProbation(oldest, this.weightOf(oldest));
    }
    // ...a larger one takes the main area's least valuable entries back.
    while (moves++ < MAX_TRANSFER) {
      let oldest = links.last(PROBATION);
      if (oldest === PROBATION) oldest = links.last(PROTECTED);
      if (oldest === PROTECTED) break;
      const weight = this.weightOf(oldest);
      if (this.windowWeight + weight > windowMax) break;
      this.addWeight(this.regionOf(oldest), -weight);
      links.nodes[(oldest << NODE_SHIFT) + META] = WINDOW;
      links.moveToFront(WINDOW, oldest);
      this.windowWeight += weight;
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

/**
 * Window TinyLFU (Einziger, Friedman and Manes, 2017), as Caffeine implements it: newcomers enter
 * a small LRU window; the window's overflow must beat the main area's eviction victim on
 * estimated access frequency (a 4-bit count-min sketch with aging) to stay; the main area is a
 * segmented LRU (probation 20%, protected 80%); and the window size is hill-climbed (with a step
 * that adapts as Rprop's does, where Caffeine's decays at a fixed rate: it reaches a drifting
 * working set sooner, 4 to 6 points more hits over a short trace in the simulator, and is within a
 * point of Caffeine's on stationary traces). Near optimal on
 * frequency-skewed workloads and robust to scans.
 *
 * @example
 * ```ts
 * import { Cache, wTinyLfu } from '@keel/core/caching';
 * const cache = new Cache<string, string>({ maxEntries: 10_000, policy: wTinyLfu({ doorkeeper: true }) });
 * cache.set('a', 'alpha');
 * console.log(cache.get('a'));
 * ```
 */
export function wTinyLfu(options: WTinyLfuOptions = {}): EvictionPolicyFactory {
  checkKnownKeys('wTinyLfu', options, Object.keys(DEFAULT_W_TINYLFU_OPTIONS));
  const windowRatio = check.ratio(
    'wTinyLfu.windowRatio',
    options.windowRatio,
    DEFAULT_W_TINYLFU_OPTIONS.windowRatio,
  );
  const adaptive = check.boolean('wTinyLfu.adaptive', options.adaptive, DEFAULT_W_TINYLFU_OPTIONS.adaptive);
  const doorkeeper = check.boolean(
    'wTinyLfu.doorkeeper',
    options.doorkeeper,
    DEFAULT_W_TINYLFU_OPTIONS.doorkeeper,
  );
  return {
    name: 'w-tinylfu',
    usesHashes: true,
    create: (context) => new WTinyLfuPolicy(context, windowRatio, adaptive, doorkeeper),
  };
}
