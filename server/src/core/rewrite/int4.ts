/**
 * Block-wise 4-bit weight quantization in the exact layouts `com.microsoft.MatMulNBits` (ORT 1.30)
 * reads (DOMAIN.md §5; onnxruntime/core/graph/contrib_ops/contrib_defs.cc, MatMulNBits):
 * - B: uint8 [N, k_blocks, block_size·4/8] — column n of W [K, N] cut into blocks of `block_size`
 *   along K (the last block zero-padded), two values per byte, low nibble = even element.
 * - scales: float [N · k_blocks] (column-major by block: n·k_blocks + block).
 * - zero_points (asymmetric only): uint8 [N, ceil(k_blocks·4/8)], two per byte, low nibble = even
 *   block. ORT 1.30 rejects a flat [N·k_blocks] layout. Without zero_points the zero point is 8.
 * Symmetric blocks follow MLAS's MlasQuantizeBlockwise: the value of largest magnitude m maps to −8
 * (scale = m / −8), so the full 16 levels are used; asymmetric blocks span [min(0, lo), max(0, hi)]
 * with scale = range / 15 and zero point round(−min / scale).
 */

export interface PackedNBits {
  packed: Uint8Array;
  scales: Float32Array;
  zeroPoints?: Uint8Array;
  kBlocks: number;
  /** Bytes per block per column (block_size / 2). */
  blobSize: number;
  /** Bytes of zero points per column. */
  zpCols: number;
}

export function packNBits(w: Float32Array, k: number, n: number, o: { blockSize: number; symmetric: boolean }): PackedNBits {
  const bs = o.blockSize;
  if (bs < 16 || (bs & (bs - 1)) !== 0) throw new Error(`block size must be a power of 2 ≥ 16, got ${bs}`);
  if (w.length !== k * n) throw new Error(`weight has ${w.length} values, not ${k}×${n}`);
  const kBlocks = Math.ceil(k / bs);
  const blobSize = bs / 2;
  const zpCols = Math.ceil(kBlocks / 2);
  const packed = new Uint8Array(n * kBlocks * blobSize);
  const scales = new Float32Array(n * kBlocks);
  const zeroPoints = o.symmetric ? undefined : new Uint8Array(n * zpCols);
  const q = new Uint8Array(bs);
  for (let c = 0; c < n; c++) {
    for (let b = 0; b < kBlocks; b++) {
      const k0 = b * bs;
      const k1 = Math.min(k, k0 + bs);
      let scale: number;
      let zp: number;
      if (o.symmetric) {
        let m = 0;
        for (let r = k0; r < k1; r++) {
          const v = w[r * n + c];
          if (Math.abs(v) > Math.abs(m)) m = v;
        }
        scale = m / -8;
        zp = 8;
      } else {
        let lo = 0;
        let hi = 0;
        for (let r = k0; r < k1; r++) {
          const v = w[r * n + c];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        scale = (hi - lo) / 15;
        zp = scale ? Math.max(0, Math.min(15, Math.round(-lo / scale))) : 0;
      }
      const inv = scale ? 1 / scale : 0;
      q.fill(zp);
      for (let r = k0; r < k1; r++) q[r - k0] = Math.max(0, Math.min(15, Math.round(w[r * n + c] * inv) + zp));
      scales[c * kBlocks + b] = Math.fround(scale);
      const base = (c * kBlocks + b) * blobSize;
      for (let j = 0; j < blobSize; j++) packed[base + j] = q[2 * j] | (q[2 * j + 1] << 4);
      if (zeroPoints) {
        const at = c * zpCols + (b >> 1);
        zeroPoints[at] = b & 1 ? (zeroPoints[at] & 0x0f) | (zp << 4) : (zeroPoints[at] & 0xf0) | zp;
      }
    }
  }
  return { packed, scales, zeroPoints, kBlocks, blobSize, zpCols };
}
