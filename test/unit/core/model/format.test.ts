import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { modelStats, parseGeometryText } from '../../../../server/src/core/model/geometry';
import { describeShapeOnly, formatFlops, formatGeometryMarkdown, formatGeometryText } from '../../../../server/src/core/model/format';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const read = (p: string) => parseGeometryText(readFileSync(path.join(ROOT, p), 'utf8')).geometry!;

describe('core/model/format', () => {
  it('Markdown table for the Llama config: parameters, weights per precision, KV cache, FLOPs per token', () => {
    const g = read('examples/models/llama-3.2-1b/config.json');
    const md = formatGeometryMarkdown(g, modelStats(g), { title: 'config.json' });
    assert.match(md, /^\*\*config\.json\*\*/);
    assert.match(md, /\| Parameters \| 1\.24 G \(1,235,814,400; 973\.15 M non-embedding, tied LM head\) \|/);
    assert.match(md, /\| Weights \| 2\.30 GiB at bf16 \(torch\\_dtype\); int8 1\.15 GiB, int4 589\.3 MiB \|/);
    assert.match(md, /\| KV cache \| 32\.0 KiB\/token at 16-bit; 4\.00 GiB at the full context \|/);
    assert.match(md, /\| FLOPs\/token \| ≈ 2\.47 GFLOP \+ 65\.5 KFLOP × context \|/);
  });

  it('GenAI config: unknown parameters said plainly, attention FLOPs per context token still given', () => {
    const g = read('examples/models/qwen2.5-0.5b/genai_config.json');
    const text = formatGeometryText(g, modelStats(g));
    assert.match(text, /Parameters +unknown: a genai_config\.json has no MLP width/);
    assert.match(text, /KV cache +12\.0 KiB\/token at 16-bit; 384\.0 MiB at the full context/);
    assert.match(text, /FLOPs\/token +unknown fixed part \(LM head alone 272\.27 MFLOP\) \+ 43\.0 KFLOP × context/);
    assert.doesNotMatch(text, /Weights/);
  });

  it('formats FLOPs with units', () => {
    assert.equal(formatFlops(2.47e9), '2.47 GFLOP');
    assert.equal(formatFlops(12), '12 FLOP');
  });

  it('describeShapeOnly: summary, unknown precision ignored, unreadable and broken files as errors', () => {
    const text = readFileSync(path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), 'utf8');
    const ok = describeShapeOnly('/m/config.json', text, 'fp32', 'config.json');
    assert.equal(ok.error, undefined);
    assert.equal(ok.summary!.stats.weightBytes!.precision, 4 * 1_235_814_400);
    assert.equal(describeShapeOnly('/m/config.json', text, 'fp99', 't').summary!.stats.precision, 'bf16');
    assert.match(describeShapeOnly('/m/x.json', undefined, undefined, 'x.json').error!, /could not be read/);
    const bad = describeShapeOnly('/m/x.json', '{}', undefined, 'x.json');
    assert.equal(bad.summary, undefined);
    assert.match(bad.markdown, /^\*\*x\.json is not a usable model description:\*\* This is not a model description/);
  });
});
