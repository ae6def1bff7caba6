/**
 * The method registry: every explainer of @glassbox/explainers-gradient and @glassbox/explainers-perturbation
 * with the metadata it declared about itself (tensors-ops' `declareMethod`: name, label, paper, inputs, model
 * kinds, subject, options with defaults and ranges, row-wise or not). The CLI, the demo and the report read it
 * instead of keeping their own lists. Adding a method is its file in an explainer package, with its
 * `declareMethod`, exported from the package's index: the registry finds it there.
 */
import { GlassboxError, methodInfoOf } from '@glassbox/tensors-ops';
import type { MethodInfo, MethodInputKind, MethodModelKind, MethodSubject } from '@glassbox/tensors-ops';
import * as gradient from '@glassbox/explainers-gradient';
import * as perturbation from '@glassbox/explainers-perturbation';

/** One method of the registry: its declared metadata and the function itself. */
export interface RegistryEntry {
  info: MethodInfo;
  /** The explainer (or, for a wrapper, the factory). Its call signature depends on `info.subject`. */
  fn: (...args: never[]) => unknown;
  /** The kebab-case of the function's name, e.g. 'integrated-gradients' (the CLI's --method). */
  id: string;
}

/** 'integratedGradients' -> 'integrated-gradients'; lower-cases and trims. */
export function toKebabCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/**
 * The order lists show the methods in: gradient methods, then perturbation methods, the latent ones last. A
 * method not named here (a new one) is listed after these, by family and name: it needs no entry to be found.
 */
const ORDER: readonly string[] = [
  'saliency', 'inputXGradient', 'integratedGradients', 'noiseTunnel', 'gradientShap', 'deepLift', 'gradCam', 'guidedGradCam',
  'guidedBackprop', 'occlusion', 'featureAblation', 'featurePermutation', 'shapleyValueSampling', 'exactShapley', 'kernelShap',
  'lime', 'surrogate', 'latentAttribution', 'latentJacobian', 'latentTraversal', 'latentSensitivity',
];

/** Every export of the two explainer packages that declared its method info (see tensors-ops' declareMethod). */
function declaredMethods(): ((...args: never[]) => unknown)[] {
  const exports: unknown[] = [...Object.values(gradient), ...Object.values(perturbation)];
  const fns = exports.filter((v): v is (...args: never[]) => unknown => typeof v === 'function' && methodInfoOf(v) !== undefined);
  const rank = (fn: (...args: never[]) => unknown): number => {
    const k = ORDER.indexOf(methodInfoOf(fn)!.name);
    return k < 0 ? ORDER.length : k;
  };
  const key = (fn: (...args: never[]) => unknown): string => `${methodInfoOf(fn)!.family}/${methodInfoOf(fn)!.name}`;
  return [...new Set(fns)].sort((a, b) => rank(a) - rank(b) || key(a).localeCompare(key(b)));
}

function entryOf(fn: (...args: never[]) => unknown): RegistryEntry {
  const info = methodInfoOf(fn);
  if (info === undefined) throw new GlassboxError('INVALID_ARGUMENT', `method registry: ${fn.name || 'a function'} declares no method info (see declareMethod)`);
  return Object.freeze({ info, fn, id: toKebabCase(info.name) });
}

/** Every method, in list order. */
export const METHODS: readonly RegistryEntry[] = Object.freeze(declaredMethods().map(entryOf));

/** Lookups and filters over `METHODS`. */
export const methodRegistry = {
  /** All methods, in list order. */
  all: METHODS,
  /**
   * The method a name stands for: its function name ('integratedGradients'), its kebab-case id
   * ('integrated-gradients') or an alias ('ig'); case and separators do not matter. Undefined when none.
   */
  find(name: string): RegistryEntry | undefined {
    const key = toKebabCase(String(name ?? ''));
    return METHODS.find((m) => m.id === key || m.info.aliases.includes(key));
  },
  /** Like `find`, but throws INVALID_ARGUMENT naming the known methods. */
  get(name: string): RegistryEntry {
    const found = methodRegistry.find(name);
    if (found === undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `method registry: unknown method '${name}': expected one of ${METHODS.map((m) => m.info.name).join(', ')}`);
    }
    return found;
  },
  /** The methods that explain this kind of input. */
  forInput(kind: MethodInputKind): RegistryEntry[] {
    return METHODS.filter((m) => m.info.inputs.includes(kind));
  },
  /** The methods that apply to a model kind, optionally only those whose subject the caller can provide. */
  forModelKind(kind: MethodModelKind, subjects?: readonly MethodSubject[]): RegistryEntry[] {
    return METHODS.filter((m) => m.info.modelKinds.includes(kind) && (subjects === undefined || subjects.includes(m.info.subject)));
  },
  /** The declared info of a method by name (see `find`), or undefined. */
  info(name: string): MethodInfo | undefined {
    return methodRegistry.find(name)?.info;
  },
};
