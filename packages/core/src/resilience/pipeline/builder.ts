import type { Policy } from '../../policy/index.js';
import { Pipeline } from './pipeline.js';

/**
 * Builds a {@link Pipeline} one layer at a time, outermost first. Each call returns a new
 * builder, so a shared prefix can be extended in several ways without interference.
 *
 * @example
 * ```ts
 * import { pipelineBuilder, noopPolicy } from '@keel/core/pipeline';
 * const base = pipelineBuilder().add(noopPolicy);
 * const policy = base.addIf(process.env.HEDGE === '1', noopPolicy).build();
 * console.log(await policy.execute(() => 'ok'));
 * ```
 * @category Resilience
 */
export class PipelineBuilder {
  private constructor(private readonly layers: readonly Policy[]) {}

  /** @internal use {@link pipelineBuilder}. */
  static empty(): PipelineBuilder {
    return new PipelineBuilder([]);
  }

  /** A builder with `policy` added inside the layers added so far. */
  add(policy: Policy): PipelineBuilder {
    return new PipelineBuilder([...this.layers, policy]);
  }

  /** Like {@link PipelineBuilder.add} when `condition` holds; otherwise this builder unchanged. */
  addIf(condition: boolean, policy: Policy): PipelineBuilder {
    return condition ? this.add(policy) : this;
  }

  /** Number of layers added so far (before nested pipelines are flattened). */
  get size(): number {
    return this.layers.length;
  }

  /** The pipeline of every layer added, outermost first. */
  build(): Pipeline {
    return new Pipeline(this.layers);
  }
}

/**
 * Starts an empty {@link PipelineBuilder}.
 *
 * @example
 * ```ts
 * import { pipelineBuilder, noopPolicy } from '@keel/core/pipeline';
 * const policy = pipelineBuilder().add(noopPolicy).build();
 * console.log(policy.policies.length); // 0: no-op layers are dropped
 * ```
 * @category Resilience
 */
export function pipelineBuilder(): PipelineBuilder {
  return PipelineBuilder.empty();
}
