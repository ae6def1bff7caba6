/**
 * Progress of one public call, over every batch loop it runs: each loop adds the model rows (or other units)
 * it finished, and the caller's onProgress sees (units done so far, units in all), never more than the total.
 */
export class Progress {
  private done = 0;

  constructor(
    /** Units in all, over every loop of the call. */
    readonly total: number,
    private readonly onProgress?: ((done: number, total: number) => void) | undefined,
  ) {}

  /** Reports `units` more units done. */
  add(units: number): void {
    this.done += units;
    this.onProgress?.(Math.min(this.done, this.total), this.total);
  }
}
