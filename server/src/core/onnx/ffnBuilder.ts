/**
 * A stack of transformer-style feed-forward blocks, the shape quantization and pruning benchmarks use
 * (DOMAIN.md §5–6: 4×(768→3072→768)): x → [x + MatMul(Relu(MatMul(x, W1) + b1), W2) + b2] × blocks.
 * Deterministic weights (seeded), standard ops only (opset 17).
 */
import { mulberry32 } from '../random';
import { GraphBuilder } from './builders';
import { DataType, type ModelSpec } from './writer';

export interface FfnOptions {
  blocks?: number;
  width?: number;
  hidden?: number;
  /** Symbolic batch name (default 'batch') or a fixed number. */
  batch?: string | number;
  /** Residual connections around each block (default true). */
  residual?: boolean;
  seed?: number;
}

export function buildFfn(o: FfnOptions = {}): ModelSpec {
  const blocks = o.blocks ?? 4, d = o.width ?? 768, f = o.hidden ?? 3072, residual = o.residual ?? true;
  const b = new GraphBuilder(mulberry32(o.seed ?? 7));
  let x = 'input';
  for (let i = 0; i < blocks; i++) {
    const h = b.op('Relu', [b.op('Add', [b.op('MatMul', [x, b.weight(`ffn${i}.up.weight`, [d, f], 1 / Math.sqrt(d))]), b.weight(`ffn${i}.up.bias`, [f], 0.02)])]);
    const y = b.op('Add', [b.op('MatMul', [h, b.weight(`ffn${i}.down.weight`, [f, d], 1 / Math.sqrt(f))]), b.weight(`ffn${i}.down.bias`, [d], 0.02)]);
    const last = i === blocks - 1;
    x = residual ? b.op('Add', [x, y], undefined, last ? 'output' : undefined) : last ? b.op('Identity', [y], undefined, 'output') : y;
  }
  const batch = o.batch ?? 'batch';
  return {
    opsets: { '': 17 },
    docString: `Synthetic FFN stack: ${blocks}×(${d}→${f}→${d})`,
    graph: b.graph('ffn', [{ name: 'input', dtype: DataType.FLOAT, shape: [batch, d] }], [{ name: 'output', dtype: DataType.FLOAT, shape: [batch, d] }]),
  };
}
