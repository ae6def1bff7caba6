// A 28x28 drawing pad: strokes of a soft round brush (about the width of an MNIST pen stroke), drawn with the
// mouse, a pen or a finger. `onChange` fires when a stroke ends.
import { drawGray } from './draw.js';
import { PIXELS, SIZE } from './protocol.js';

export class DrawPad {
  private readonly values = new Float32Array(PIXELS);
  private last: { x: number; y: number } | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
    private readonly radius = 1.6,
  ) {
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.cell(e);
      this.stamp(this.last.x, this.last.y);
      this.render();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.last === null) return;
      const p = this.cell(e);
      // Stamps every half pixel along the segment, so fast strokes stay continuous.
      const n = Math.max(1, Math.ceil(Math.hypot(p.x - this.last.x, p.y - this.last.y) * 2));
      for (let i = 1; i <= n; i++) this.stamp(this.last.x + ((p.x - this.last.x) * i) / n, this.last.y + ((p.y - this.last.y) * i) / n);
      this.last = p;
      this.render();
    });
    const end = (): void => {
      if (this.last === null) return;
      this.last = null;
      this.onChange();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    this.render();
  }

  /** The drawing, 784 values in 0..1 (a copy). */
  pixels(): Float32Array {
    return this.values.slice();
  }

  clear(): void {
    this.values.fill(0);
    this.render();
  }

  private cell(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIZE, y: ((e.clientY - r.top) / r.height) * SIZE };
  }

  private stamp(cx: number, cy: number): void {
    const r = this.radius;
    for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(SIZE - 1, Math.ceil(cy + r + 1)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(SIZE - 1, Math.ceil(cx + r + 1)); x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        // Full ink inside the radius, a one-pixel soft edge outside (anti-aliased like the MNIST digits).
        const ink = Math.min(1, Math.max(0, r + 0.5 - d));
        const i = y * SIZE + x;
        if (ink > this.values[i]!) this.values[i] = ink;
      }
    }
  }

  private render(): void {
    drawGray(this.canvas, this.values);
  }
}
