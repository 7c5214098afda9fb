/**
 * The types that shape and FLOP rules are written against: a tensor's inferred type, the context a
 * shape rule reads a node through, a node's inference result and the rule signatures. Rule families
 * (shapes.ts, movement.ts, nn.ts, attention.ts, flops.ts) import only these types; registry.ts
 * gathers the families into the tables infer.ts and analyze.ts look rules up in, so no module
 * imports a module that imports it back.
 */
import type { AttributeInfo, GraphInfo, NodeInfo } from './reader';
import type { SymDim } from './expr';

/** A tensor's inferred type. */
export interface TType {
  dtype?: number;
  /** Undefined: unknown rank. */
  shape?: SymDim[];
  /** Element values (row-major) of small tensors, when known. */
  value?: SymDim[];
}

/** What a shape rule sees of one node. */
export interface OpContext {
  node: NodeInfo;
  /** Opset version of the node's domain. */
  opset: number;
  inputs: Array<TType | undefined>;
  attr(name: string): AttributeInfo | undefined;
  int(name: string, def: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, def: number): number;
  str(name: string, def: string): string;
  /** Values of input i as numbers, when all are known numbers. */
  nums(i: number): number[] | undefined;
}

/** Output types of one node from its inputs' types; `undefined` (or an entry `undefined`) when it cannot tell. */
export type ShapeRule = (c: OpContext) => Array<TType | undefined> | undefined;

/** Shape inference's result for one node. */
export interface NodeResult {
  node: NodeInfo;
  /** '' for the main graph, else e.g. `If_3/then_branch`. */
  graph: string;
  opset: number;
  inputs: Array<TType | undefined>;
  outputs: Array<TType | undefined>;
  /** A shape rule exists for this op. */
  hasRule: boolean;
  /** For an If whose condition is known statically: the branch that runs. */
  taken?: 'then_branch' | 'else_branch';
  /** Subgraph results of If/Loop/Scan attributes, by attribute name. */
  subgraphs?: Array<{ attr: string; result: GraphResult }>;
}

/** Shape inference's result for a graph. */
export interface GraphResult {
  graph: GraphInfo;
  types: Map<string, TType>;
  nodes: NodeResult[];
}

/** Evaluates a symbolic dim under the current bindings (undefined when unbound). */
export type Eval = (d: SymDim) => number | undefined;

/** FLOPs of one node under the bindings `ev`; undefined when a needed dim is unknown. */
export type FlopRule = (r: NodeResult, ev: Eval) => number | undefined;
