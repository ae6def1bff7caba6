/**
 * Progress over several phases of one public function: each phase reports its own units done; the caller's
 * onProgress sees (done so far over all phases, total units).
 */
export interface Progress {
  /** A reporter for a phase that starts now: call it with the units done in that phase. */
  phase(): (done: number) => void;
  /** Reports `units` more units done. */
  advance(units: number): void;
}

export function createProgress(onProgress: ((done: number, total: number) => void) | undefined, total: number): Progress {
  let base = 0;
  return {
    phase() {
      const start = base;
      return (done: number) => {
        base = start + done;
        onProgress?.(base, total);
      };
    },
    advance(units: number) {
      base += units;
      onProgress?.(base, total);
    },
  };
}
