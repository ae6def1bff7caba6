/**
 * The optional peers of the model loaders (internal): @tensorflow/tfjs-layers, @tensorflow/tfjs-converter and
 * onnxruntime-web are imported only when a loader that needs one is called, so that a user who loads only ONNX
 * models (or none) installs none of the others. A missing one is a GlassboxError BACKEND_UNAVAILABLE naming the
 * package to install.
 */
import { GlassboxError } from '@glassbox/tensors-ops';
import { ensureOverrides } from '@glassbox/tensors-ops';

/** The optional packages and what each is for, for the message. */
const WHAT = {
  '@tensorflow/tfjs-layers': 'TensorFlow.js layers models (model.json with a Keras topology)',
  '@tensorflow/tfjs-converter': 'TensorFlow.js graph models (model.json from the tensorflowjs converter)',
  'onnxruntime-web': 'ONNX models',
} as const;

export type OptionalPeer = keyof typeof WHAT;

function missing(name: OptionalPeer, where: string, cause: unknown): GlassboxError {
  const core = name === 'onnxruntime-web' ? '' : '@4.22 (the version of @tensorflow/tfjs-core)';
  return new GlassboxError(
    'BACKEND_UNAVAILABLE',
    `${where}: ${WHAT[name]} need the optional package ${name}, which could not be loaded (${(cause as Error)?.message ?? String(cause)}); install it: npm install ${name}${core}`,
    { cause },
  );
}

/** Loads one optional peer, or throws BACKEND_UNAVAILABLE naming it. The specifiers are literal so bundlers find them. */
export async function importLayers(where: string): Promise<typeof import('@tensorflow/tfjs-layers')> {
  try {
    const m = await import('@tensorflow/tfjs-layers');
    // tfjs-layers registers tfjs-core's own gradients when it is first imported: Glassbox's are put back.
    ensureOverrides();
    return m;
  } catch (e) {
    throw missing('@tensorflow/tfjs-layers', where, e);
  }
}

export async function importConverter(where: string): Promise<typeof import('@tensorflow/tfjs-converter')> {
  try {
    const m = await import('@tensorflow/tfjs-converter');
    ensureOverrides();
    return m;
  } catch (e) {
    throw missing('@tensorflow/tfjs-converter', where, e);
  }
}

export async function importOrt(where: string): Promise<typeof import('onnxruntime-web')> {
  try {
    return await import('onnxruntime-web');
  } catch (e) {
    throw missing('onnxruntime-web', where, e);
  }
}
