/**
 * The protobuf wire format, read with positional reads: a sliding window over a ByteSource, varints,
 * fixed-width values, strings and a reusable cursor over a message's fields. Every problem is an
 * OnnxReadError naming the byte offset and what was expected.
 */
import type { ByteSource } from './source';

export class OnnxReadError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
    this.name = 'OnnxReadError';
  }
}

export const WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5;
export const MAX_STRING = 1 << 20;
export const MAX_LIST = 1 << 22;

export interface Field {
  no: number;
  wt: number;
  /** Offset of the tag. */
  at: number;
  /** Varint/fixed value (wt 0, 1, 5). */
  value: number;
  /** Payload start and length (wt 2). */
  start: number;
  len: number;
}

export class FieldCursor implements Field {
  no = 0;
  wt = 0;
  at = 0;
  value = 0;
  start = 0;
  len = 0;
  constructor(private readonly w: Walker, public pos: number, readonly end: number, readonly message: string) {}
  next(): boolean {
    return this.w.advance(this);
  }
}

/** The wire-format walker: a sliding read window over a ByteSource. */
export class Walker {
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  /** Current window size: small after a jump (a skipped payload), doubling while reads stay sequential. */
  private cur = 512;
  nodes = 0;
  constructor(readonly src: ByteSource, private readonly window: number, readonly maxDepth: number, readonly maxNodes: number) {}

  fail(msg: string, at: number): never {
    throw new OnnxReadError(`${msg} (at byte ${at})`, at);
  }

  /** Ensure [pos, pos+n) is in the window; returns the index of pos in `win`. */
  private ensure(pos: number, n: number): number {
    if (pos >= this.winStart && pos + n <= this.winStart + this.win.byteLength) return pos - this.winStart;
    const sequential = pos >= this.winStart && pos <= this.winStart + this.win.byteLength;
    this.cur = sequential ? Math.min(this.cur * 2, this.window) : 512;
    const len = Math.min(Math.max(n, this.cur), this.src.size - pos);
    if (len < n) this.fail(`unexpected end of file: needed ${n} bytes, ${this.src.size - pos} left`, pos);
    this.win = this.src.read(pos, len);
    this.winStart = pos;
    return 0;
  }

  bytes(pos: number, n: number): Uint8Array {
    if (n > this.window) return this.src.read(pos, n);
    const i = this.ensure(pos, n);
    return this.win.subarray(i, i + n);
  }

  /** Varint at pos (limited by end): value as a signed 64-bit number (precise to 2^53) and its size. */
  /** Size in bytes of the varint last read by `varint`. */
  vlen = 0;

  /** `what` + `part` + ` no` name the value in errors; they are only joined when an error is raised. */
  varint(pos: number, end: number, what: string, part = '', no = -1): number {
    const avail = Math.min(10, end - pos);
    if (avail <= 0) this.fail(`truncated ${what}${part}${no >= 0 ? ` ${no}` : ''}: expected a varint`, pos);
    const i = this.ensure(pos, avail);
    const w = this.win;
    let lo = 0, hi = 0, k = 0;
    for (; k < avail; k++) {
      const b = w[i + k];
      if (k < 4) lo |= (b & 0x7f) << (7 * k);
      else if (k === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * k - 32);
      if ((b & 0x80) === 0) {
        lo >>>= 0;
        hi >>>= 0;
        this.vlen = k + 1;
        return hi & 0x80000000 ? -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1) : hi * 4294967296 + lo;
      }
    }
    const name = `${what}${part}${no >= 0 ? ` ${no}` : ''}`;
    this.fail(avail < 10 ? `truncated ${name}: varint runs past the end of its message` : `malformed varint in ${name} (more than 10 bytes)`, pos);
  }

  fixed32(pos: number): number {
    const i = this.ensure(pos, 4);
    return new DataView(this.win.buffer, this.win.byteOffset + i, 4).getFloat32(0, true);
  }

  fixed64(pos: number): number {
    const i = this.ensure(pos, 8);
    return new DataView(this.win.buffer, this.win.byteOffset + i, 8).getFloat64(0, true);
  }

  string(pos: number, n: number, what: string, part = ''): string {
    if (n > MAX_STRING) this.fail(`${what}${part} is ${n} bytes long (limit ${MAX_STRING})`, pos);
    // Names are short and ASCII almost always: build them straight from the window (no subarray,
    // no Buffer, no decoder call; those allocations dominated reading graphs of many nodes).
    if (n <= 128 && n <= this.window) {
      const i = this.ensure(pos, n);
      const w = this.win;
      let out = '';
      let k = 0;
      for (; k < n; k++) {
        const c = w[i + k];
        if (c > 127) break;
        out += String.fromCharCode(c);
      }
      if (k === n) return out;
    }
    const b = this.bytes(pos, n);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }

  /**
   * A cursor over the fields of the message occupying [start, end): `for (const f = w.fields(…); f.next(); )`.
   * One reused object per message instead of a generator and an object per field (this loop is hot).
   */
  fields(start: number, end: number, message: string): FieldCursor {
    return new FieldCursor(this, start, end, message);
  }

  /** Read the field at `f.pos` into `f`; returns false at the end of the message. */
  advance(f: FieldCursor): boolean {
    const end = f.end, message = f.message;
    let pos = f.pos;
    if (pos >= end) return false;
    const at = pos;
    const tag = this.varint(pos, end, message, ' field tag'), tn = this.vlen;
    pos += tn;
    const no = Math.floor(tag / 8), wt = tag & 7;
    // A tag past 2^63 decodes as negative here: say so instead of printing "field number -1".
    if (tag < 0) this.fail(`invalid field tag in ${message} (a 64-bit value, beyond any field number): not an ONNX protobuf`, at);
    if (no < 1) this.fail(`invalid field number 0 in ${message}: not an ONNX protobuf`, at);
    f.no = no;
    f.wt = wt;
    f.at = at;
    switch (wt) {
      case WT_VARINT: {
        const v = this.varint(pos, end, message, ' field', no), n = this.vlen;
        f.value = v;
        pos += n;
        break;
      }
      case WT_I64:
        if (pos + 8 > end) this.fail(`truncated ${message} field ${no}: expected 8 bytes`, pos);
        f.value = this.fixed64(pos);
        pos += 8;
        break;
      case WT_I32:
        if (pos + 4 > end) this.fail(`truncated ${message} field ${no}: expected 4 bytes`, pos);
        f.value = this.fixed32(pos);
        pos += 4;
        break;
      case WT_LEN: {
        const len = this.varint(pos, end, message, ' length of field', no), n = this.vlen;
        pos += n;
        if (len < 0 || len > end - pos) {
          // A length past 2^63 decodes as negative: it is simply far too long, never "-1 bytes".
          const declared = len < 0 ? 'a length beyond 2^63' : `${len} bytes`;
          this.fail(`${message} field ${no} declares ${declared} but only ${end - pos} remain in the enclosing message${end === this.src.size ? ' (file truncated?)' : ''}`, at);
        }
        f.start = pos;
        f.len = len;
        pos += len;
        break;
      }
      default:
        this.fail(`unsupported wire type ${wt} for ${message} field ${no}: not an ONNX protobuf`, at);
    }
    f.pos = pos;
    return true;
  }

  expect(f: Field, wt: number, message: string, field: string): void {
    if (f.wt !== wt) {
      const names = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];
      this.fail(`${message}.${field} (field ${f.no}) has wire type ${names[f.wt] ?? f.wt}, expected ${names[wt]}`, f.at);
    }
  }

  str(f: Field, message: string, field: string): string {
    this.expect(f, WT_LEN, message, field);
    return this.string(f.start, f.len, message, '.' + field);
  }

  int(f: Field, message: string, field: string): number {
    this.expect(f, WT_VARINT, message, field);
    return f.value;
  }

  /** Repeated int64 (packed or not) appended to `out`. */
  ints(f: Field, out: number[], message: string, field: string, limit = MAX_LIST): void {
    if (f.wt === WT_VARINT) {
      if (out.length >= limit) this.fail(`${message}.${field} has more than ${limit} entries`, f.at);
      out.push(f.value);
      return;
    }
    this.expect(f, WT_LEN, message, field);
    let pos = f.start;
    const end = f.start + f.len;
    while (pos < end) {
      if (out.length >= limit) this.fail(`${message}.${field} has more than ${limit} entries`, f.at);
      const v = this.varint(pos, end, message, '.' + field), n = this.vlen;
      out.push(v);
      pos += n;
    }
  }

  /** Repeated float (packed or not) appended to `out`. */
  floats(f: Field, out: number[], message: string, field: string): void {
    if (f.wt === WT_I32) {
      out.push(f.value);
      return;
    }
    this.expect(f, WT_LEN, message, field);
    if (f.len % 4) this.fail(`${message}.${field}: packed floats of ${f.len} bytes (not a multiple of 4)`, f.start);
    if (f.len / 4 + out.length > MAX_LIST) this.fail(`${message}.${field} has more than ${MAX_LIST} entries`, f.at);
    const b = this.bytes(f.start, f.len);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < f.len; i += 4) out.push(dv.getFloat32(i, true));
  }

  countNode(at: number): void {
    if (++this.nodes > this.maxNodes) this.fail(`more than ${this.maxNodes} nodes`, at);
  }
}
