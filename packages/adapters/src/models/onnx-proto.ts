/**
 * A small reader of the ONNX file format (internal): an ONNX model is a protocol buffer (onnx.proto's ModelProto),
 * and the loader needs only its graph's outline, which onnxruntime does not expose: the nodes (name, op type,
 * inputs, outputs), the graph's inputs and outputs with their shapes, and the initializers (weights). It also
 * writes one edit: adding a graph output (the input of a final Softmax, for `logits: true`).
 *
 * Wire format: each field is a varint key (field number << 3 | wire type) followed by a varint (type 0), 8 bytes
 * (type 1), a varint length and that many bytes (type 2: strings, bytes, nested messages, packed numbers) or 4
 * bytes (type 5). Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5,
 * input = 11, output = 12; NodeProto.input = 1, output = 2, name = 3, op_type = 4; ValueInfoProto.name = 1,
 * type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1;
 * Dimension.dim_value = 1, dim_param = 2; TensorProto.name = 8.
 */

/** A node of the graph. */
export interface OnnxNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

/** A graph input or output: its name and shape (null for a symbolic or unknown size; undefined shape if absent). */
export interface OnnxValue {
  name: string;
  shape?: Array<number | null>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  /** The graph's inputs that are not initializers (the data the model takes). */
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

interface Field {
  field: number;
  wire: number;
  /** For wire type 0: the value; for type 2: the payload's [start, end) in the buffer. */
  value: number;
  start: number;
  end: number;
  /** Where the field's key starts and the field ends. */
  from: number;
  to: number;
}

class Malformed extends Error {}

function varint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Malformed('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [result, pos];
    mul *= 128;
  }
  throw new Malformed('varint too long');
}

/** The fields of a message in buf[start, end). Throws Malformed on bytes that are not a protocol buffer. */
function fields(buf: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = [];
  let pos = start;
  while (pos < end) {
    const from = pos;
    const [key, p] = varint(buf, pos);
    pos = p;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw new Malformed('field number 0');
    if (wire === 0) {
      const [v, q] = varint(buf, pos);
      out.push({ field, wire, value: v, start: pos, end: q, from, to: q });
      pos = q;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > end) throw new Malformed('truncated fixed field');
      out.push({ field, wire, value: 0, start: pos, end: pos + n, from, to: pos + n });
      pos += n;
    } else if (wire === 2) {
      const [len, q] = varint(buf, pos);
      if (q + len > end) throw new Malformed('truncated length-delimited field');
      out.push({ field, wire, value: len, start: q, end: q + len, from, to: q + len });
      pos = q + len;
    } else {
      throw new Malformed(`wire type ${wire}`);
    }
  }
  if (pos !== end) throw new Malformed('message overruns its length');
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const str = (buf: Uint8Array, f: Field) => utf8.decode(buf.subarray(f.start, f.end));
const sub = (buf: Uint8Array, f: Field) => fields(buf, f.start, f.end);

function valueInfo(buf: Uint8Array, f: Field): OnnxValue {
  const v: OnnxValue = { name: '' };
  for (const g of sub(buf, f)) {
    if (g.field === 1 && g.wire === 2) v.name = str(buf, g);
    if (g.field !== 2 || g.wire !== 2) continue;
    for (const t of sub(buf, g)) {
      if (t.field !== 1 || t.wire !== 2) continue; // tensor_type
      for (const tt of sub(buf, t)) {
        if (tt.field !== 2 || tt.wire !== 2) continue; // shape
        const shape: Array<number | null> = [];
        for (const d of sub(buf, tt)) {
          if (d.field !== 1 || d.wire !== 2) continue;
          let size: number | null = null;
          for (const dv of sub(buf, d)) if (dv.field === 1 && dv.wire === 0) size = dv.value;
          shape.push(size);
        }
        v.shape = shape;
      }
    }
  }
  return v;
}

/** The graph field of a ModelProto, or throws Malformed. */
function graphField(buf: Uint8Array): Field {
  const top = fields(buf, 0, buf.length);
  const graphs = top.filter((f) => f.field === 7 && f.wire === 2);
  // ir_version (field 1) and the graph are what every ONNX model has.
  if (graphs.length !== 1 || !top.some((f) => f.field === 1 && f.wire === 0)) throw new Malformed('no ir_version and graph');
  return graphs[0]!;
}

/**
 * The outline of an ONNX model's graph.
 * @throws Error when the bytes are not an ONNX model (not a protocol buffer, or no graph).
 */
export function readOnnxGraph(buf: Uint8Array): OnnxGraph {
  const graph = graphField(buf);
  const nodes: OnnxNode[] = [];
  const initializers = new Set<string>();
  const inputs: OnnxValue[] = [];
  const outputs: OnnxValue[] = [];
  for (const f of sub(buf, graph)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) {
      const n: OnnxNode = { name: '', op: '', inputs: [], outputs: [] };
      for (const g of sub(buf, f)) {
        if (g.wire !== 2) continue;
        if (g.field === 1) n.inputs.push(str(buf, g));
        else if (g.field === 2) n.outputs.push(str(buf, g));
        else if (g.field === 3) n.name = str(buf, g);
        else if (g.field === 4) n.op = str(buf, g);
      }
      nodes.push(n);
    } else if (f.field === 5) {
      for (const g of sub(buf, f)) if (g.field === 8 && g.wire === 2) initializers.add(str(buf, g));
    } else if (f.field === 11) {
      inputs.push(valueInfo(buf, f));
    } else if (f.field === 12) {
      outputs.push(valueInfo(buf, f));
    }
  }
  return { nodes, inputs: inputs.filter((v) => !initializers.has(v.name)), outputs };
}

function encodeVarint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited field: key, length, payload. */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const head = [...encodeVarint(field * 8 + 2), ...encodeVarint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/** The model with one more graph output, `name` (no type: onnxruntime infers it). */
export function addGraphOutput(buf: Uint8Array, name: string): Uint8Array {
  const graph = graphField(buf);
  const info = lengthDelimited(12, lengthDelimited(1, new TextEncoder().encode(name)));
  const payload = new Uint8Array(graph.end - graph.start + info.length);
  payload.set(buf.subarray(graph.start, graph.end), 0);
  payload.set(info, graph.end - graph.start);
  const newGraph = lengthDelimited(7, payload);
  const out = new Uint8Array(graph.from + newGraph.length + (buf.length - graph.to));
  out.set(buf.subarray(0, graph.from), 0);
  out.set(newGraph, graph.from);
  out.set(buf.subarray(graph.to), graph.from + newGraph.length);
  return out;
}
