/**
 * A valid ONNX model with `n` nodes (a Relu chain over a [1, 8] float tensor), written straight as
 * protobuf bytes so even millions of nodes take a second to generate (the project's writer builds
 * objects per node). For the hostile-workspace tests and bench/hostile.mjs.
 */
import { writeFileSync } from 'node:fs';

function varint(n: number, out: number[]): void {
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function field(no: number, payload: Uint8Array | number[], out: number[]): void {
  varint((no << 3) | 2, out);
  varint(payload.length, out);
  for (const b of payload) out.push(b);
}

const text = (s: string) => [...Buffer.from(s, 'utf8')];

function valueInfo(name: string): number[] {
  const dim = (v: number) => {
    const d: number[] = [];
    d.push(0x08); // dim_value
    varint(v, d);
    return d;
  };
  const shape: number[] = [];
  field(1, dim(1), shape);
  field(1, dim(8), shape);
  const tensor: number[] = [0x08, 0x01]; // elem_type FLOAT
  field(2, shape, tensor);
  const type: number[] = [];
  field(1, tensor, type);
  const vi: number[] = [];
  field(1, text(name), vi);
  field(2, type, vi);
  return vi;
}

/** The bytes of a model with `n` Relu nodes. */
export function manyNodeModelBytes(n: number): Buffer {
  const parts: Buffer[] = [];
  const relu = Buffer.from(text('Relu'));
  for (let i = 0; i < n; i++) {
    const node: number[] = [];
    field(1, text(`t${i}`), node);
    field(2, text(`t${i + 1}`), node);
    field(4, relu, node);
    const wrapped: number[] = [];
    field(1, node, wrapped); // GraphProto.node
    parts.push(Buffer.from(wrapped));
  }
  const tail: number[] = [];
  field(2, text('relu_chain'), tail);
  field(11, valueInfo('t0'), tail);
  field(12, valueInfo(`t${n}`), tail);
  const graph = Buffer.concat([...parts, Buffer.from(tail)]);
  const head: number[] = [0x08, 0x08]; // ir_version 8
  const opset: number[] = [];
  field(1, [], opset);
  opset.push(0x10, 17); // version 17
  field(8, opset, head);
  varint((7 << 3) | 2, head);
  varint(graph.length, head);
  return Buffer.concat([Buffer.from(head), graph]);
}

export function writeManyNodeModel(file: string, n: number): void {
  writeFileSync(file, manyNodeModelBytes(n));
}
