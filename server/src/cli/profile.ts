/**
 * `ttc-lens profile <model.onnx> [--static] …`: `--static` runs the static analysis (profileStatic.ts);
 * without it the model is measured on this machine (profileMeasured.ts).
 */
import * as staticProfile from './profileStatic';
import * as measuredProfile from './profileMeasured';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--static')) return staticProfile.run(args.filter((a) => a !== '--static'));
  return measuredProfile.run(args);
}
