/**
 * `ttc-lens profile <model.onnx> [--static] …`: `--static` runs the static analysis (profileStatic.ts);
 * without it the model is measured on this machine (profileMeasured.ts), except shape-only descriptions
 * (config.json / genai_config.json), which have nothing to run and get the static analysis.
 */
import * as nodePath from 'node:path';
import * as staticProfile from './profileStatic';
import * as measuredProfile from './profileMeasured';
import { COMMANDS } from './commands';
import { isDescriptionFile, isTtcConfigFile } from '../core/model/reference';

/** A TTC config (or any YAML) given where a model is expected: what to run instead. */
export function notAModel(file: string): string | undefined {
  if (!/\.ya?ml$/i.test(file)) return undefined;
  // Commands added later (estimate, bench) are named only when this build has them. (A cycle with
  // commands.ts, read at call time only.)
  const more = ['estimate', 'bench'].filter((c) => c in COMMANDS).map((c) => `'ttc-lens ${c} ${file}'`);
  const base = nodePath.basename(file);
  return `profile takes a model (an .onnx file, or a config.json / genai_config.json description), and ${base} is ${isTtcConfigFile(file) ? 'a TTC config' : 'YAML'}: validate it with 'ttc-lens check ${file}'${more.length ? ` or try ${more.join(' / ')}` : ''}; to profile its models, name their .onnx files.`;
}

export async function run(args: string[]): Promise<number> {
  const help = args.some((a) => a === '-h' || a === '--help');
  const file = args.find((a, i) => !a.startsWith('-') && !['--bind', '-b', '--precision', '--threads', '--ep', '--opt', '--max-time', '--target-ci', '--samples', '--sweep-batch', '--sweep-dim', '--cache-dir'].includes(args[i - 1]));
  const wrong = file && !help ? notAModel(file) : undefined;
  if (wrong) {
    process.stderr.write(`ttc-lens profile: ${wrong}\n`);
    return 2;
  }
  if (args.includes('--static')) return staticProfile.run(args.filter((a) => a !== '--static'));
  // A config.json / genai_config.json only describes a model's shape: there is nothing to execute.
  if (file && isDescriptionFile(file) && !help) {
    process.stderr.write(`ttc-lens profile: ${file} describes a model's shape only (nothing to run); showing the static analysis.\n`);
    return staticProfile.run(args);
  }
  if (args.some((a) => a === '--precision' || a.startsWith('--precision='))) {
    process.stderr.write(`ttc-lens profile: --precision applies to a shape-only description (config.json / genai_config.json)${help ? '' : `; ${file ?? 'this model'} is measured as it is`}\n`);
    args = args.filter((a, i) => !(a === '--precision' || a.startsWith('--precision=') || args[i - 1] === '--precision'));
  }
  return measuredProfile.run(args);
}
