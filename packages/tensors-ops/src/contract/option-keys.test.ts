import { describe as suite, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { isGlassboxError } from '../errors.js';
import { checkOptionKeys, closestName, declareOptionKeys, forwardOptions, optionKeys, optionKeysOf } from './option-keys.js';

/** The error `fn` throws (the test fails when it throws nothing or something else than a GlassboxError). */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(isGlassboxError(e), String(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected a GlassboxError, nothing was thrown');
}

// Keys of integratedGradients, kernelShap / lime and linearData as their docs list them.
const IG = ['target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal', 'pool', 'steps', 'method'];
const LIME = ['target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal', 'pool', 'featureMask', 'segmentation', 'samples', 'distance', 'kernelWidth', 'alpha'];
const LINEAR_DATA = ['n', 'd', 'seed', 'noise', 'weights', 'bias'];

suite('closestName', () => {
  it('finds the intended name of the typos reported in issue 17', () => {
    expect(closestName('stpes', IG)).toBe('steps');
    expect(closestName('batchsize', IG)).toBe('batchSize');
    expect(closestName('sed', IG)).toBe('seed');
    expect(closestName('baselines', IG)).toBe('baseline');
    expect(closestName('sample', LIME)).toBe('samples');
    expect(closestName('kernelwidth', LIME)).toBe('kernelWidth');
    expect(closestName('nosie', LINEAR_DATA)).toBe('noise');
  });

  it('prefers a difference of case over a difference of letters', () => {
    // 'Steps' is 1 edit from 'steps' and from 'stems'; ignoring case it is 0 from 'steps'.
    expect(closestName('Steps', ['stems', 'steps'])).toBe('steps');
  });

  it('suggests nothing when no name is within max(2, length / 3) edits', () => {
    expect(closestName('colour', ['steps', 'method'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
    // 'abc' -> 'xyz' takes 3 edits, more than 2.
    expect(closestName('abc', ['xyz'])).toBeUndefined();
    expect(closestName('abc', ['abd'])).toBe('abd');
  });
});

suite('checkOptionKeys', () => {
  it('returns the options (or {} for undefined) when every key is known', () => {
    const o = { steps: 8, method: 'riemann_left' };
    expect(checkOptionKeys(o, IG, 'fn')).toBe(o);
    expect(checkOptionKeys(undefined, IG, 'fn')).toEqual({});
    const bare = Object.create(null) as Record<string, unknown>;
    bare.steps = 3;
    expect(checkOptionKeys(bare, IG, 'fn')).toBe(bare);
  });

  it('refuses an unknown key, naming it, the closest valid key and every valid key', () => {
    const e = thrown(() => checkOptionKeys({ steps: 8, stpes: 8 }, IG, 'integratedGradients'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(
      "integratedGradients: unknown key 'stpes' in options (did you mean 'steps'?); valid keys: " +
        "'target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal', 'pool', 'steps', 'method'",
    );
  });

  it('refuses a key that is present with the value undefined too, and names nested options as told', () => {
    expect(thrown(() => checkOptionKeys({ sed: undefined }, IG, 'fn')).message).toMatch(/unknown key 'sed' in options \(did you mean 'seed'\?\)/);
    const e = thrown(() => checkOptionKeys({ celss: 3 }, ['cells'], 'lime', 'options.segmentation'));
    expect(e.message).toMatch(/^lime: unknown key 'celss' in options\.segmentation \(did you mean 'cells'\?\); valid keys: 'cells'$/);
  });

  it('gives no suggestion for a key unlike any valid one, and says so when there are no keys at all', () => {
    expect(thrown(() => checkOptionKeys({ colour: 'red' }, ['steps'], 'fn')).message).toBe("fn: unknown key 'colour' in options; valid keys: 'steps'");
    expect(thrown(() => checkOptionKeys({ a: 1 }, [], 'fn')).message).toBe("fn: unknown key 'a' in options; options takes no keys");
  });

  it('refuses what is not a plain object', () => {
    const x = tf.zeros([1, 2]);
    class Config {
      steps = 3;
    }
    for (const bad of [null, 'steps', 3, [1, 2], x, new Config(), new Map([['steps', 3]])]) {
      const e = thrown(() => checkOptionKeys(bad, IG, 'fn'));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^fn: options must be an object, got /);
    }
    x.dispose();
  });
});

suite('optionKeys', () => {
  it('lists the keys in the order written, frozen', () => {
    interface O {
      steps?: number;
      signal?: AbortSignal;
      required: string;
    }
    const keys = optionKeys<O>({ steps: true, signal: true, required: true });
    expect(keys).toEqual(['steps', 'signal', 'required']);
    expect(Object.isFrozen(keys)).toBe(true);
  });
});

suite('declareOptionKeys and optionKeysOf', () => {
  it('record the keys on the function (under a global symbol, so another copy of the package reads them)', () => {
    const explainer = async () => ({});
    expect(optionKeysOf(explainer)).toBeUndefined();
    const keys = ['target', 'steps'];
    expect(declareOptionKeys(explainer, keys)).toBe(explainer);
    keys.push('late');
    expect(optionKeysOf(explainer)).toEqual(['target', 'steps']);
    expect((explainer as unknown as Record<symbol, unknown>)[Symbol.for('@glassbox/option-keys')]).toEqual(['target', 'steps']);
    expect(Object.keys(explainer)).toEqual([]);
    expect(optionKeysOf({})).toBeUndefined();
    expect(optionKeysOf(undefined)).toBeUndefined();
  });
});

suite('forwardOptions', () => {
  const inner = declareOptionKeys(async () => ({}), ['target', 'steps', 'batchSize']);
  const spec = { own: ['onProgress', 'samples'], shared: ['seed', 'batchSize'], inner };

  it("keeps the wrapper's own keys, passes shared keys on only to an inner function that takes them, and passes the rest", () => {
    const onProgress = () => {};
    const out = forwardOptions({ onProgress, samples: 4, seed: 7, batchSize: 2, target: 1, steps: 8 }, spec, 'wrap');
    expect(out).toEqual({ batchSize: 2, target: 1, steps: 8 });
    expect(forwardOptions(undefined, spec, 'wrap')).toEqual({});
  });

  it('refuses a key neither the wrapper nor the inner function knows, suggesting from both', () => {
    expect(thrown(() => forwardOptions({ stpes: 8 }, spec, 'wrap')).message).toMatch(/^wrap: unknown key 'stpes' in options \(did you mean 'steps'\?\); valid keys: /);
    expect(thrown(() => forwardOptions({ sampels: 8 }, spec, 'wrap')).message).toMatch(/did you mean 'samples'\?/);
    expect(thrown(() => forwardOptions({ sed: 1 }, spec, 'wrap', 'options.explainerOptions')).message).toMatch(
      /unknown key 'sed' in options\.explainerOptions \(did you mean 'seed'\?\)/,
    );
    expect(thrown(() => forwardOptions([1], spec, 'wrap')).message).toMatch(/options must be an object/);
  });

  it('passes everything but its own keys to an inner function that declared none', () => {
    const free = async () => ({});
    expect(forwardOptions({ onProgress: 1, anything: 2, seed: 3 }, { own: ['onProgress'], shared: ['seed'], inner: free }, 'wrap')).toEqual({
      anything: 2,
      seed: 3,
    });
  });
});
