import * as check from './check';
import * as profile from './profile';
import * as estimate from './estimate';
import * as bench from './bench';
import * as quantize from './quantize';
import * as prune from './prune';
import * as optimize from './optimize';
import * as evalCmd from './eval';

export interface CliCommand {
  summary: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Subcommands. */
export const COMMANDS: Record<string, CliCommand> = {
  check: { summary: 'Validate *.ttc.yaml configs (text, json or sarif output)', run: check.run },
  profile: { summary: 'Analyse (--static) or measure an ONNX model on this machine', run: profile.run },
  estimate: { summary: "Latency, cost and memory of a config's strategy on this machine", run: estimate.run },
  bench: { summary: "Run a config's strategy for real and compare it with the estimate", run: bench.run },
  quantize: { summary: 'Quantize a model to int8 or int4 beside it, then verify it (speed, fidelity)', run: quantize.run },
  prune: { summary: 'Prune feed-forward units / conv channels (structured) beside it, then verify it', run: prune.run },
  optimize: { summary: 'Quality curves, the Pareto frontier and the most accurate setting within the budget', run: optimize.run },
  eval: { summary: "Run a config's quality.eval: accuracy and latency per strategy and n", run: evalCmd.run },
};
