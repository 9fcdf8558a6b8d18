/** How long and how often to measure; smoke mode only proves that every case still runs. */
export interface BenchConfig {
  /** True in a smoke run: figures are meaningless and are not written over the real ones. */
  readonly smoke: boolean;
  /** Wall time each contender runs, interleaved, before any sample counts. */
  readonly warmupMs: number;
  /** Interleaved rounds; every round takes `samplesPerRound` samples of each contender. */
  readonly rounds: number;
  readonly samplesPerRound: number;
  /** Target duration of one sample (a batch of awaited operations); sets the batch size. */
  readonly sampleMs: number;
  /** Fresh child processes per contender in memory cases. */
  readonly memoryRounds: number;
  /** Overrides every memory case's instance count when set (smoke runs keep it tiny). */
  readonly memoryCount: number | undefined;
}

export const FULL_CONFIG: BenchConfig = {
  smoke: false,
  warmupMs: 300,
  rounds: 20,
  samplesPerRound: 3,
  sampleMs: 20,
  memoryRounds: 3,
  memoryCount: undefined,
};

export const SMOKE_CONFIG: BenchConfig = {
  smoke: true,
  warmupMs: 0,
  rounds: 2,
  samplesPerRound: 1,
  sampleMs: 0,
  memoryRounds: 1,
  memoryCount: 50,
};

/** The configuration chosen by the environment: `KEEL_BENCH_SMOKE=1` selects the smoke run. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): BenchConfig {
  const smoke = env['KEEL_BENCH_SMOKE'];
  return smoke !== undefined && smoke !== '' && smoke !== '0' ? SMOKE_CONFIG : FULL_CONFIG;
}
