/**
 * A progress bar on stderr (cli-progress) for long work, fed by the explainers' `onProgress(done, total)`
 * and the training callbacks. It draws only when stderr is a terminal and --json is off; otherwise every
 * call is a no-op, so commands can always report progress.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts (or restarts) a bar for a stage of work. */
  start(label: string, total: number): void;
  /** Reports `done` of `total` units (total may change, e.g. when an explainer learns it). */
  update(done: number, total?: number, info?: string): void;
  /** Removes the bar. */
  stop(): void;
}

/** A progress bar that draws nothing. */
export const silentProgress: Progress = {
  start() {},
  update() {},
  stop() {},
};

/** A bar on `stream` (stderr) when `enabled`, else the silent one. */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return silentProgress;
  let bar: cliProgress.SingleBar | null = null;
  let total = 0;
  return {
    start(label: string, t: number) {
      bar?.stop();
      total = Math.max(1, t);
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} {info}`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { info: '' });
    },
    update(done: number, t?: number, info?: string) {
      if (bar === null) return;
      if (t !== undefined && t > 0 && t !== total) {
        total = t;
        bar.setTotal(t);
      }
      bar.update(Math.min(done, total), { info: info ?? '' });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
