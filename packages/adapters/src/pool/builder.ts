/**
 * `@glassbox/adapters/pool-builder`: the builder a tensors-ops pool worker imports to rebuild a model loaded by
 * this package from its files (see spec.ts). Not for direct use: `options.pool` with a model from loadLayersModel,
 * fromLayersModel, loadGraphModel, fromGraphModel or loadOnnx uses it on its own.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { loadGraphModel } from '../models/graph.js';
import { loadLayersModel } from '../models/layers.js';
import { loadOnnx } from '../models/onnx.js';
import type { GlassboxModel } from '../models/model.js';
import type { PoolBuilderArgs } from './spec.js';

/**
 * Loads the model whose files `args` carries, with the options it was loaded with on the main thread; the worker
 * calls its predict (awaited for an ONNX model) and disposes it when it drops the model.
 */
export async function build(args: PoolBuilderArgs): Promise<GlassboxModel> {
  const where = '@glassbox/adapters pool-builder';
  switch (args?.kind) {
    case 'layers':
      return loadLayersModel(new Map(Object.entries(args.files)), args.options);
    case 'graph':
      return loadGraphModel(new Map(Object.entries(args.files)), args.options);
    case 'onnx':
      return loadOnnx(args.bytes, args.options);
    default:
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: args must be the files of a layers, graph or ONNX model, got ${describe(args)}`);
  }
}
