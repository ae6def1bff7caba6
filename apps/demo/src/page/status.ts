// The status line (tests read its data-state and data-run).
import { el } from './elements.js';

let finished = 0;
/** Marks a finished run: tests wait for `data-run` to grow. */
export function markFinished(): void {
  el.status.dataset['run'] = String(++finished);
}

export function setStatus(s: 'starting' | 'idle' | 'running' | 'done' | 'cancelled' | 'error', text: string): void {
  el.status.dataset['state'] = s;
  el.status.textContent = text;
}
