/**
 * Images for the OCR eval: PNG decoding (pngjs), the test-time-augmentation views, and PaddleOCR's
 * recognizer preprocessing (`resize_norm_img` of PaddleOCR's predict_rec.py): the line is resized to
 * height 48 keeping its aspect ratio (bilinear, OpenCV's half-pixel convention), scaled to [−1, 1]
 * as (v / 255 − 0.5) / 0.5 in BGR channel order, and right-padded with zeros to the batch width,
 * which is at least 320 (PaddleOCR's default `rec_image_shape` 3×48×320).
 */
import { PNG } from 'pngjs';

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function decodePng(bytes: Uint8Array): RgbImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height } = png;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    // Transparent pixels are composed over white (a line on paper).
    const a = png.data[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) data[j + c] = Math.round(png.data[i * 4 + c] * a + 255 * (1 - a));
  }
  return { width, height, data };
}

/**
 * One deterministic test-time view: `stretch` scales the width after the height is fixed (character
 * width varies between fonts), `pad` adds a border of paper colour of this fraction of the height on
 * every side before resizing (the crop's tightness), `contrast` stretches grey levels about the
 * image's mean (faint or heavy ink).
 */
export interface View {
  stretch: number;
  pad: number;
  contrast: number;
}

/** The views in the order TTA takes them; view 0 is the plain PaddleOCR preprocessing. */
export const VIEWS: readonly View[] = [
  { stretch: 1, pad: 0, contrast: 1 },
  { stretch: 1.15, pad: 0, contrast: 1 },
  { stretch: 1, pad: 0.12, contrast: 1 },
  { stretch: 1, pad: 0, contrast: 1.6 },
  { stretch: 0.87, pad: 0, contrast: 1 },
  { stretch: 1.1, pad: 0.06, contrast: 1.3 },
  { stretch: 1, pad: 0.2, contrast: 1 },
  { stretch: 0.93, pad: 0.06, contrast: 0.8 },
  { stretch: 1.25, pad: 0, contrast: 1.2 },
  { stretch: 1, pad: 0.3, contrast: 1.4 },
  { stretch: 0.8, pad: 0.12, contrast: 1 },
  { stretch: 1.05, pad: 0, contrast: 2 },
  { stretch: 1.2, pad: 0.12, contrast: 0.9 },
  { stretch: 0.9, pad: 0.2, contrast: 1.6 },
  { stretch: 1.35, pad: 0.06, contrast: 1 },
  { stretch: 1, pad: 0.06, contrast: 1 },
];

export const REC_HEIGHT = 48;
export const REC_MIN_WIDTH = 320;
/** PaddleOCR's direction classifier input width (`cls_image_shape` 3×48×192). */
export const CLS_WIDTH = 192;

/** The paper colour: the median grey of the border pixels. */
function paperOf(img: RgbImage): [number, number, number] {
  const px: number[][] = [];
  const at = (x: number, y: number) => {
    const o = (y * img.width + x) * 3;
    px.push([img.data[o], img.data[o + 1], img.data[o + 2]]);
  };
  for (let x = 0; x < img.width; x++) {
    at(x, 0);
    at(x, img.height - 1);
  }
  for (let y = 0; y < img.height; y++) {
    at(0, y);
    at(img.width - 1, y);
  }
  const med = (c: number) => px.map((p) => p[c]).sort((a, b) => a - b)[px.length >> 1];
  return [med(0), med(1), med(2)];
}

function padded(img: RgbImage, border: number): RgbImage {
  if (border <= 0) return img;
  const [r, g, b] = paperOf(img);
  const width = img.width + 2 * border;
  const height = img.height + 2 * border;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = r;
    data[i * 3 + 1] = g;
    data[i * 3 + 2] = b;
  }
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + border) * width + border) * 3);
  return { width, height, data };
}

/** Bilinear resize with OpenCV's INTER_LINEAR sampling (pixel centres at +0.5, edges clamped). */
export function resizeBilinear(img: RgbImage, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => img.data[(yy * img.width + xx) * 3 + c];
        const top = p(y0, x0) * (1 - wx) + p(y0, x1) * wx;
        const bottom = p(y1, x0) * (1 - wx) + p(y1, x1) * wx;
        out[(y * width + x) * 3 + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** A view resized to the recognizer's height: RGB floats 0..255, `width` × 48. */
export interface Resized {
  width: number;
  rgb: Float32Array;
}

/** The width PaddleOCR resizes a line to: ⌈48 · w/h⌉ (times the view's stretch), at most `maxWidth`. */
export function resizedWidth(width: number, height: number, stretch = 1, maxWidth = 4096): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil(REC_HEIGHT * (width / height) * stretch)));
}

export function applyView(img: RgbImage, view: View, maxWidth = 4096): Resized {
  const src = padded(img, Math.round(view.pad * img.height));
  const width = resizedWidth(src.width, src.height, view.stretch, maxWidth);
  const rgb = resizeBilinear(src, width, REC_HEIGHT);
  if (view.contrast !== 1) {
    let mean = 0;
    for (const v of rgb) mean += v;
    mean /= rgb.length;
    for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(255, Math.max(0, mean + (rgb[i] - mean) * view.contrast));
  }
  return { width, rgb };
}

/**
 * A batch tensor [n, 3, 48, W] (NCHW, BGR, (v/255 − 0.5)/0.5) of resized views, each right-padded
 * with zeros to W = max(320, widest view) as PaddleOCR pads a batch.
 */
export function toBatch(views: readonly Resized[], minWidth = REC_MIN_WIDTH): { data: Float32Array; dims: [number, number, number, number] } {
  const W = Math.max(minWidth, ...views.map((v) => v.width));
  const H = REC_HEIGHT;
  const data = new Float32Array(views.length * 3 * H * W);
  views.forEach((v, n) => {
    for (let c = 0; c < 3; c++) {
      const src = 2 - c; // BGR from RGB
      const plane = (n * 3 + c) * H * W;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < v.width; x++) data[plane + y * W + x] = (v.rgb[(y * v.width + x) * 3 + src] / 255 - 0.5) / 0.5;
      }
    }
  });
  return { data, dims: [views.length, 3, H, W] };
}
