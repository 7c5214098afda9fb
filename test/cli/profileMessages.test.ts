/**
 * What a new user reads from `ttc-lens profile`: the help names every option and what it takes, a
 * TTC config given to profile is pointed at `check`, `--precision` is labelled as such, the opsets
 * line lists opsets only. Run as a real process from source through tsx.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

const cli = (args: string[]) => runCli(['profile', ...args], { timeout: 90_000 });

describe('cli: ttc-lens profile, messages', function () {
  this.timeout(120_000);

  it('--help names what profile takes and lists --static and --precision', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ttc-lens profile <model\.onnx \| config\.json \| genai_config\.json> \[options\]/);
    assert.match(r.stdout, /\n {2}--static {12}static analysis instead/);
    assert.match(r.stdout, /\n {2}--precision P {7}weight precision of a \.json description: fp32, fp16, bf16, int8, int4/);
    assert.match(r.stdout, /A \*\.ttc\.yaml config is not a\nmodel: validate it with 'ttc-lens check'/);
  });

  it('a TTC config is not a model: say so and point at check (not "Protobuf parsing failed")', async () => {
    const cfg = path.join('examples', 'math-dvts.ttc.yaml');
    for (const args of [[cfg], [cfg, '--static'], ['--threads', '2', cfg]]) {
      const r = await cli(args);
      assert.equal(r.code, 2, JSON.stringify(args));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^ttc-lens profile: profile takes a model \(an \.onnx file, or a config\.json \/ genai_config\.json description\), and math-dvts\.ttc\.yaml is a TTC config: validate it with 'ttc-lens check examples\/math-dvts\.ttc\.yaml'/);
      assert.doesNotMatch(r.stderr, /Protobuf|ONNX Runtime rejected/);
    }
  });

  it('--precision int4 is labelled as the option, not "(config)"', async () => {
    const r = await cli([path.join(EXAMPLES, 'models', 'llama-3.2-1b', 'config.json'), '--precision', 'int4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Weights\s+589\.3 MiB at int4 \(--precision\); int8 1\.15 GiB/);
    assert.doesNotMatch(r.stdout, /\(config\)/);
  });

  it('the opsets line lists opsets; the producer has its own line', async () => {
    const r = await cli([path.join(EXAMPLES, 'models', 'decoder-tiny.onnx'), '--static']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nOpsets\s+ai\.onnx 17; IR 8\n/);
    assert.match(r.stdout, /\nProducer\s+ttc-lens 0\.1\.0\n/);
  });
});
