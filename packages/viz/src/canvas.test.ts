import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { drawTo, toImageData, type BrowserImageData, type CanvasContext2DLike, type CanvasLike } from './canvas.js';
import { createImage, type RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

// A stand-in for the browser's ImageData: records what it was constructed with.
class FakeImageData {
  readonly colorSpace = 'srgb';
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {
    if (data.length !== width * height * 4) throw new Error('IndexSizeError');
  }
}

type Call = { op: string; args: unknown[]; smoothing?: boolean };

// A fake canvas whose 2D context records every call (and the smoothing flag at drawImage time).
function fakeCanvas(): { canvas: CanvasLike & { ownerDocument?: unknown }; ctx: CanvasContext2DLike; calls: Call[] } {
  const calls: Call[] = [];
  const ctx: CanvasContext2DLike = {
    imageSmoothingEnabled: true,
    putImageData(d, dx, dy) {
      calls.push({ op: 'putImageData', args: [d, dx, dy] });
    },
    drawImage(img, dx, dy, dw, dh) {
      calls.push({ op: 'drawImage', args: [img, dx, dy, dw, dh], smoothing: ctx.imageSmoothingEnabled });
    },
    clearRect(x, y, w, h) {
      calls.push({ op: 'clearRect', args: [x, y, w, h] });
    },
  };
  return { canvas: { getContext: (id: '2d') => (id === '2d' ? ctx : null) }, ctx, calls };
}

// 2x1 image: red, half-transparent blue.
const img: RGBAImage = { width: 2, height: 1, data: Uint8ClampedArray.of(255, 0, 0, 255, 0, 0, 255, 128) };

const g = globalThis as { ImageData?: unknown; OffscreenCanvas?: unknown };
let saved: { ImageData: PropertyDescriptor | undefined; OffscreenCanvas: PropertyDescriptor | undefined };

function setGlobal(name: 'ImageData' | 'OffscreenCanvas', value: unknown): void {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}

beforeEach(() => {
  saved = {
    ImageData: Object.getOwnPropertyDescriptor(globalThis, 'ImageData'),
    OffscreenCanvas: Object.getOwnPropertyDescriptor(globalThis, 'OffscreenCanvas'),
  };
  delete g.ImageData;
  delete g.OffscreenCanvas;
});

afterEach(() => {
  for (const name of ['ImageData', 'OffscreenCanvas'] as const) {
    const d = saved[name];
    if (d) Object.defineProperty(globalThis, name, d);
    else delete g[name];
  }
});

describe('toImageData', () => {
  it('returns a real ImageData (the global constructor) with a copy of the pixels', () => {
    setGlobal('ImageData', FakeImageData);
    const d = toImageData(img);
    expect(d).toBeInstanceOf(FakeImageData);
    expect([d.width, d.height]).toEqual([2, 1]);
    expect(Array.from(d.data)).toEqual(Array.from(img.data));
    d.data[0] = 0;
    expect(img.data[0]).toBe(255); // a copy: drawing code may mutate it
  });

  it('throws INVALID_ARGUMENT explaining it needs a browser/canvas environment when there is no ImageData', () => {
    expect(g.ImageData).toBeUndefined();
    expectVizError(() => toImageData(img), 'INVALID_ARGUMENT', 'toImageData', 'browser or canvas environment', 'ImageData', 'toPNG');
  });

  it('checks the image first', () => {
    setGlobal('ImageData', FakeImageData);
    expectVizError(() => toImageData({ width: 2, height: 2, data: new Uint8ClampedArray(4) }), 'SHAPE_MISMATCH', 'toImageData: image.data');
  });

  it('is typed as the DOM ImageData when the DOM lib is loaded', () => {
    expectTypeOf<BrowserImageData>().toEqualTypeOf<ImageData>();
  });
});

describe('drawTo', () => {
  beforeEach(() => setGlobal('ImageData', FakeImageData));

  it('puts the image at (x, y) with putImageData at scale 1', () => {
    const { canvas, calls } = fakeCanvas();
    drawTo(canvas, img, { x: 3, y: -1 });
    expect(calls.map((c) => c.op)).toEqual(['putImageData']);
    const [d, dx, dy] = calls[0].args as [FakeImageData, number, number];
    expect(d).toBeInstanceOf(FakeImageData);
    expect([d.width, d.height, dx, dy]).toEqual([2, 1, 3, -1]);
    expect(Array.from(d.data)).toEqual(Array.from(img.data));
  });

  it('defaults to (0, 0) and scale 1', () => {
    const { canvas, calls } = fakeCanvas();
    drawTo(canvas, img);
    expect(calls[0].args.slice(1)).toEqual([0, 0]);
  });

  it('enlarges by an integer scale with nearest neighbour and still uses putImageData', () => {
    const { canvas, calls } = fakeCanvas();
    drawTo(canvas, img, { scale: 2, x: 1 });
    expect(calls.map((c) => c.op)).toEqual(['putImageData']);
    const [d, dx, dy] = calls[0].args as [FakeImageData, number, number];
    expect([d.width, d.height, dx, dy]).toEqual([4, 2, 1, 0]);
    const px = (i: number): number[] => Array.from(d.data.slice(4 * i, 4 * i + 4));
    expect([px(0), px(1), px(4), px(5)]).toEqual([[255, 0, 0, 255], [255, 0, 0, 255], [255, 0, 0, 255], [255, 0, 0, 255]]);
    expect([px(2), px(3), px(6), px(7)]).toEqual([[0, 0, 255, 128], [0, 0, 255, 128], [0, 0, 255, 128], [0, 0, 255, 128]]);
  });

  it('draws a fractional scale via a helper OffscreenCanvas and drawImage without smoothing', () => {
    const helpers: { w: number; h: number; fake: ReturnType<typeof fakeCanvas> }[] = [];
    setGlobal(
      'OffscreenCanvas',
      class {
        readonly fake = fakeCanvas();
        constructor(
          readonly w: number,
          readonly h: number,
        ) {
          helpers.push(this);
        }
        getContext(id: '2d'): CanvasContext2DLike | null {
          return this.fake.canvas.getContext(id);
        }
      },
    );
    const { canvas, ctx, calls } = fakeCanvas();
    drawTo(canvas, img, { scale: 2.5, x: 4, y: 5 });
    expect(helpers).toHaveLength(1);
    expect([helpers[0].w, helpers[0].h]).toEqual([2, 1]);
    const put = helpers[0].fake.calls;
    expect(put.map((c) => c.op)).toEqual(['putImageData']);
    expect((put[0].args[0] as FakeImageData).width).toBe(2);
    expect(calls.map((c) => c.op)).toEqual(['clearRect', 'drawImage']);
    expect(calls[0].args).toEqual([4, 5, 5, 2.5]);
    expect(calls[1].args).toEqual([helpers[0], 4, 5, 5, 2.5]);
    expect(calls[1].smoothing).toBe(false);
    expect(ctx.imageSmoothingEnabled).toBe(true); // restored
  });

  it("falls back to a <canvas> from the target's document when there is no OffscreenCanvas", () => {
    const helper = fakeCanvas();
    const el = { width: 0, height: 0, getContext: helper.canvas.getContext };
    const made: string[] = [];
    const { canvas, calls } = fakeCanvas();
    canvas.ownerDocument = {
      createElement(tag: string) {
        made.push(tag);
        return el;
      },
    };
    drawTo(canvas, img, { scale: 0.5 });
    expect(made).toEqual(['canvas']);
    expect([el.width, el.height]).toEqual([2, 1]);
    expect(helper.calls.map((c) => c.op)).toEqual(['putImageData']);
    expect(calls.map((c) => c.op)).toEqual(['clearRect', 'drawImage']);
    expect(calls[1].args).toEqual([el, 0, 0, 1, 0.5]);
  });

  it('rejects a fractional scale when no helper canvas can be made', () => {
    const { canvas } = fakeCanvas();
    expectVizError(() => drawTo(canvas, img, { scale: 1.5 }), 'INVALID_ARGUMENT', 'drawTo: options.scale is 1.5', 'integer');
  });

  it('needs ImageData, like toImageData', () => {
    delete g.ImageData;
    const { canvas, calls } = fakeCanvas();
    expectVizError(() => drawTo(canvas, img), 'INVALID_ARGUMENT', 'drawTo', 'browser or canvas environment');
    expect(calls).toEqual([]);
  });

  it('rejects bad arguments with VizErrors naming them', () => {
    const { canvas } = fakeCanvas();
    expectVizError(() => drawTo({} as never, img), 'INVALID_ARGUMENT', 'drawTo: canvas', "getContext('2d')");
    expectVizError(() => drawTo({ getContext: () => null }, img), 'INVALID_ARGUMENT', 'drawTo: canvas has no 2D context');
    expectVizError(() => drawTo(canvas, createImage(1, 1), { x: 0.5 }), 'INVALID_ARGUMENT', 'options.x');
    expectVizError(() => drawTo(canvas, createImage(1, 1), { y: NaN }), 'INVALID_ARGUMENT', 'options.y');
    expectVizError(() => drawTo(canvas, createImage(1, 1), { scale: 0 }), 'INVALID_ARGUMENT', 'options.scale');
    expectVizError(() => drawTo(canvas, createImage(1, 1), { scale: -2 }), 'INVALID_ARGUMENT', 'options.scale');
    expectVizError(() => drawTo(canvas, createImage(1, 1), { scale: Infinity }), 'INVALID_ARGUMENT', 'options.scale');
    expectVizError(() => drawTo(canvas, { width: 1 } as never), 'INVALID_ARGUMENT', 'drawTo: image');
    expectVizError(() => drawTo(canvas, createImage(1, 1), 2 as never), 'INVALID_ARGUMENT', 'drawTo: options');
  });

  it('accepts HTMLCanvasElement and OffscreenCanvas by type', () => {
    expectTypeOf<HTMLCanvasElement>().toExtend<CanvasLike>();
    expectTypeOf<OffscreenCanvas>().toExtend<CanvasLike>();
    expectTypeOf<CanvasRenderingContext2D>().toExtend<CanvasContext2DLike>();
  });
});
