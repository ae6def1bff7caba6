import { throwIfAborted, yieldToEventLoop } from '@glassbox/tensors-ops';

/** One unit of work of a suite, reported to onProgress when it finishes. */
export interface Stage {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Runs the stages in order: checks the AbortSignal before each, reports (done, total, name) after each and
 * gives the event loop a turn in between (so an abort or a UI event can land).
 */
export async function runStages(
  stages: Stage[],
  options: { onProgress?: ((done: number, total: number, stage: string) => void) | undefined; signal?: AbortSignal | undefined },
  where: string,
): Promise<void> {
  const total = stages.length;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal, where);
    await stages[i]!.run();
    throwIfAborted(options.signal, where);
    options.onProgress?.(i + 1, total, stages[i]!.name);
    if (i + 1 < total) await yieldToEventLoop();
  }
  throwIfAborted(options.signal, where);
}

/** Tensors a suite owns while it runs; all disposed at the end, on success, error or abort. */
export class TensorScope {
  private readonly owned: { dispose(): void }[] = [];

  keep<T extends { dispose(): void }>(t: T): T {
    this.owned.push(t);
    return t;
  }

  disposeAll(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }
}
