// Posting replies to the page, and progress as (stage, done, total) within a run of several stages.
import type { Reply, Request } from '../protocol.js';

export interface WorkerScope {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<Request>) => void) | null;
}
export const scope = self as unknown as WorkerScope;

export function post(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Posts progress as (stage, done, total) within a run of `steps` stages. */
export class Progress {
  private step = -1;
  private stage = '';
  constructor(
    private readonly id: number,
    private readonly steps: number,
  ) {}
  begin(stage: string): (done: number, total: number) => void {
    this.step = Math.min(this.step + 1, this.steps - 1);
    this.stage = stage;
    const step = this.step;
    post({ type: 'progress', id: this.id, stage, done: 0, total: 1, step, steps: this.steps });
    let last = 0;
    return (done: number, total: number): void => {
      const now = performance.now();
      if (done < total && now - last < 50) return; // at most 20 messages a second
      last = now;
      post({ type: 'progress', id: this.id, stage: this.stage, done, total, step, steps: this.steps });
    };
  }
}
