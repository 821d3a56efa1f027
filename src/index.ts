/**
 * smart-onboard: the SDK plus the batch runner's building blocks.
 *
 * @packageDocumentation
 */
export * from './sdk/index.js';
