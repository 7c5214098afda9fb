/**
 * `ttc-lens profile <model.onnx> [--static] …`: `--static` runs the static analysis (profileStatic.ts);
 * without it the model is measured on this machine (profileMeasured.ts), except shape-only descriptions
 * (config.json / genai_config.json), which have nothing to run and get the static analysis.
 */
import * as staticProfile from './profileStatic';
import * as measuredProfile from './profileMeasured';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--static')) return staticProfile.run(args.filter((a) => a !== '--static'));
  // A config.json / genai_config.json only describes a model's shape: there is nothing to execute.
  const model = args.find((a) => !a.startsWith('-'));
  if (model && /\.json$/i.test(model) && !args.some((a) => a === '-h' || a === '--help')) {
    process.stderr.write(`ttc-lens profile: ${model} describes a model's shape only (nothing to run); showing the static analysis.\n`);
    return staticProfile.run(args);
  }
  return measuredProfile.run(args);
}
