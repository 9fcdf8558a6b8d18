export { PipelineBuilder, pipelineBuilder } from './builder.js';
export { noopPolicy } from './noop.js';
export { Pipeline, pipeline, wrap } from './pipeline.js';
