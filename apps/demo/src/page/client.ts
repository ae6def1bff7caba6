// The worker and its replies: requests with an id, their progress, and the one-off 'ready'.
import type { Reply, Request } from '../protocol.js';
import { el } from './elements.js';
import { setStatus } from './status.js';

export const worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module', name: 'glassbox' });
export let nextId = 1;
export const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error & { code?: string }) => void; onProgress?: (r: Extract<Reply, { type: 'progress' }>) => void }>();
let onReady: ((r: Extract<Reply, { type: 'ready' }>) => void) | null = null;
let markReady: () => void = () => undefined;
/** Resolves once the worker has set up its backend (the Text tab waits for it before its first request). */
export const backendReady = new Promise<void>((resolve) => {
  markReady = resolve;
});

worker.onmessage = (event: MessageEvent<Reply>): void => {
  const r = event.data;
  if (r.type === 'ready') {
    markReady();
    onReady?.(r);
    return;
  }
  const p = pending.get(r.id);
  if (p === undefined) return;
  if (r.type === 'progress') {
    p.onProgress?.(r);
    return;
  }
  pending.delete(r.id);
  if (r.type === 'error') {
    if (r.id === 0 && onReady !== null) showFatal(r.message);
    p.reject(Object.assign(new Error(r.message), r.code !== undefined ? { code: r.code } : {}));
  } else p.resolve(r);
};
worker.onerror = (e: ErrorEvent): void => showFatal(`The worker failed: ${e.message || 'could not start'}`);

export function showFatal(message: string): void {
  setStatus('error', message);
  el.backend.textContent = message;
  el.backend.dataset['state'] = 'error';
}

export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
export function call<T extends Reply['type']>(body: RequestBody, onProgress?: (r: Extract<Reply, { type: 'progress' }>) => void): { id: number; done: Promise<Extract<Reply, { type: T }>> } {
  const id = nextId++;
  const done = new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (r: Reply) => void, reject, ...(onProgress ? { onProgress } : {}) });
  });
  worker.postMessage({ ...body, id } as Request);
  return { id, done };
}

/** Sets (or clears) the handler of the worker's 'ready' reply. */
export function setOnReady(f: ((r: Extract<Reply, { type: 'ready' }>) => void) | null): void {
  onReady = f;
}
