import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { encodeWeights } from './encode-weights.js';
import { loadWeightsFromUrl, resolveWeightUrl } from './url.js';

/** A fetch that serves a fixed set of URLs and records what was asked. */
function fakeFetch(files: Record<string, string | Uint8Array>, opts: { lieLength?: number } = {}) {
  const asked: string[] = [];
  const f = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    const headers = new Headers();
    const length = typeof body === 'string' ? new TextEncoder().encode(body).byteLength : body.byteLength;
    headers.set('content-length', String(opts.lieLength ?? length));
    return new Response(body as BodyInit, { status: 200, headers });
  }) as typeof fetch;
  return { fetch: f, asked };
}

async function served(): Promise<{ t: Record<string, Tensor>; modelJSON: object; bin: Uint8Array }> {
  const t = { a: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([5, 6, 7], 'int32') };
  const { modelJSON, weightData } = await encodeWeights(t);
  return { t, modelJSON, bin: new Uint8Array(weightData) };
}

describeBackends('loadWeightsFromUrl', () => {
  it('fetches model.json then the weights relative to it', async () => {
    await expectNoLeaks(async () => {
      const { t, modelJSON, bin } = await served();
      const { fetch, asked } = fakeFetch({
        'https://x.test/models/m/model.json': JSON.stringify(modelJSON),
        'https://x.test/models/m/weights.bin': bin,
      });
      const { weights } = await loadWeightsFromUrl('https://x.test/models/m/model.json', { fetch });
      expect(asked).toEqual(['https://x.test/models/m/model.json', 'https://x.test/models/m/weights.bin']);
      expect(Array.from(weights.a!.dataSync())).toEqual([1, 2, 3, 4]);
      expect(Array.from(weights.b!.dataSync())).toEqual([5, 6, 7]);
      expect(weights.b!.dtype).toBe('int32');
      tf.dispose([t, weights]);
    });
  });

  it('refuses what does not fit, before fetching weights when the manifest is bad', async () => {
    const { t, modelJSON, bin } = await served();
    tf.dispose(t);
    const url = 'https://x.test/m/model.json';
    const wurl = 'https://x.test/m/weights.bin';
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: fakeFetch({}).fetch }), 'BAD_WEIGHTS', /fetching https:\/\/x.test\/m\/model.json failed with HTTP 404/);
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: fakeFetch({ [url]: JSON.stringify(modelJSON) }).fetch }), 'BAD_WEIGHTS', /weights.bin failed with HTTP 404/);
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: fakeFetch({ [url]: '<html>' }).fetch }), 'BAD_WEIGHTS', /is not valid JSON/);
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: fakeFetch({ [url]: JSON.stringify(modelJSON), [wurl]: bin.subarray(0, 20) }).fetch }), 'BAD_WEIGHTS', /truncated: it has 20 bytes, but the manifest describes 28 bytes; weight 'b'/);
    // A server announcing a wrong Content-Length is refused before the body is read.
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: fakeFetch({ [url]: JSON.stringify(modelJSON), [wurl]: bin }, { lieLength: 1e9 }).fetch }), 'BAD_WEIGHTS', /has 1000000000 bytes, but the manifest describes 28 bytes/);
    const huge = JSON.parse(JSON.stringify(modelJSON));
    huge.weightsManifest[0].weights[0].shape = [1e6, 1e6];
    const spy = fakeFetch({ [url]: JSON.stringify(huge), [wurl]: bin });
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: spy.fetch }), 'BAD_WEIGHTS', /maxElements/);
    expect(spy.asked).toEqual([url]);
    const failing = (async () => {
      throw new TypeError('network down');
    }) as typeof fetch;
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: failing }), 'BAD_WEIGHTS', /could not fetch .* \(network down\)/);
    await expectGlassboxError(() => loadWeightsFromUrl('', {}), 'INVALID_ARGUMENT', /url/);
    await expectGlassboxError(() => loadWeightsFromUrl(url, { fetch: 3 as never }), 'INVALID_ARGUMENT', /options.fetch/);
  });
});

it('resolveWeightUrl resolves against model.json', () => {
  expect(resolveWeightUrl('weights.bin', 'https://a.test/x/model.json?v=2')).toBe('https://a.test/x/weights.bin');
  expect(resolveWeightUrl('sub/w.bin', 'https://a.test/x/model.json')).toBe('https://a.test/x/sub/w.bin');
  expect(resolveWeightUrl('weights.bin', 'models/m/model.json?v=1')).toBe('models/m/weights.bin');
  expect(resolveWeightUrl('weights.bin', 'model.json')).toBe('weights.bin');
});
