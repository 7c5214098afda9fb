import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { countParameters, jsonErrorOffset, modelStats, parseGeometryText, readGeometry } from '../../../../server/src/core/model/geometry';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const LLAMA = readFileSync(path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), 'utf8');
const QWEN_GENAI = readFileSync(path.join(ROOT, 'examples/models/qwen2.5-0.5b/genai_config.json'), 'utf8');
/** openai-community/gpt2 config.json (the keys that matter). */
const GPT2 = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  vocab_size: 50257,
};

function geo(v: unknown) {
  const r = readGeometry(v);
  assert.deepEqual(r.problems, []);
  return r.geometry!;
}

describe('core/model/geometry', () => {
  it('Llama-3.2-1B config.json gives the published 1,235,814,400 parameters', () => {
    const r = parseGeometryText(LLAMA);
    assert.deepEqual(r.problems, []);
    const g = r.geometry!;
    assert.equal(g.format, 'hf');
    assert.equal(g.modelType, 'llama');
    assert.deepEqual([g.layers, g.hiddenSize, g.heads, g.kvHeads, g.headDim, g.intermediateSize, g.vocabSize], [16, 2048, 32, 8, 64, 8192, 128256]);
    assert.ok(g.gatedMlp && g.tiedEmbeddings && g.norm === 'rms' && !g.qkvBias);
    const s = modelStats(g);
    assert.equal(s.parameters, 1_235_814_400);
    assert.equal(s.nonEmbeddingParameters, 1_235_814_400 - 128256 * 2048);
    // bf16 from torch_dtype; int8 and int4 alongside.
    assert.equal(s.precision, 'bf16');
    assert.equal(s.precisionSource, 'torch_dtype');
    assert.deepEqual(s.weightBytes, { precision: 2 * 1_235_814_400, int8: 1_235_814_400, int4: 1_235_814_400 / 2 });
    // 2 (K,V) · 2 bytes · 64 · 8 · 16
    assert.equal(s.kvBytesPerToken, 32768);
    assert.equal(s.kvBytesAtContext, 32768 * 131072);
    // 2·N_nonemb + 2·d·V, and 2·L·d_attn per context token
    assert.equal(s.flopsPerToken.fixed, 2 * (1_235_814_400 - 128256 * 2048) + 2 * 2048 * 128256);
    assert.equal(s.flopsPerToken.perContextToken, 2 * 16 * 2048);
  });

  it('the config precision overrides torch_dtype', () => {
    const s = modelStats(parseGeometryText(LLAMA).geometry!, 'int4');
    assert.equal(s.precisionSource, 'config');
    assert.equal(s.weightBytes!.precision, 1_235_814_400 / 2);
  });

  it('GPT-2 (aliases n_embd/n_layer/n_head/n_positions, n_inner = 4·d) gives 124,439,808 with a tied head', () => {
    const g = geo(GPT2);
    assert.deepEqual([g.hiddenSize, g.layers, g.heads, g.kvHeads, g.headDim, g.intermediateSize, g.contextLength], [768, 12, 12, 12, 64, 3072, 1024]);
    assert.ok(!g.gatedMlp && g.tiedEmbeddings && g.norm === 'layer' && g.qkvBias && g.outBias && g.mlpBias);
    assert.equal(g.positionEmbeddings, 1024);
    const b = countParameters(g)!;
    assert.equal(b.embedding, 50257 * 768);
    assert.equal(b.position, 1024 * 768);
    assert.equal(b.head, 0);
    const s = modelStats(g);
    assert.equal(s.parameters, 124_439_808);
    assert.equal(s.precisionSource, 'default');
    assert.equal(s.precision, 'fp16');
    assert.ok(g.assumptions.some((a) => /4 × 768 = 3072/.test(a)));
    // Untied: the LM head adds V·d parameters.
    assert.equal(modelStats(geo({ ...GPT2, tie_word_embeddings: false })).parameters, 124_439_808 + 50257 * 768);
  });

  it('genai_config.json: KV cache and attention FLOPs known, parameters unknown (not guessed)', () => {
    const r = parseGeometryText(QWEN_GENAI);
    assert.deepEqual(r.problems, []);
    const g = r.geometry!;
    assert.equal(g.format, 'genai');
    assert.equal(g.modelType, 'qwen2');
    assert.deepEqual([g.layers, g.hiddenSize, g.heads, g.kvHeads, g.headDim, g.vocabSize, g.contextLength], [24, 896, 14, 2, 64, 151936, 32768]);
    assert.equal(g.intermediateSize, undefined);
    const s = modelStats(g);
    assert.equal(s.parameters, undefined);
    assert.equal(s.weightBytes, undefined);
    assert.equal(s.flopsPerToken.fixed, undefined);
    assert.equal(s.kvBytesPerToken, 2 * 2 * 64 * 2 * 24);
    assert.equal(s.flopsPerToken.perContextToken, 2 * 24 * 14 * 64);
    assert.equal(s.flopsPerToken.head, 2 * 896 * 151936);
  });

  it('Qwen2 config.json has q/k/v biases by default; attention_bias turns them on for Llama', () => {
    const qwen = { model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, vocab_size: 151936, tie_word_embeddings: true, rms_norm_eps: 1e-6, hidden_act: 'silu' };
    // Qwen2.5-0.5B: the published 494,032,768 parameters.
    assert.equal(modelStats(geo(qwen)).parameters, 494_032_768);
    const llama = JSON.parse(LLAMA);
    const biased = modelStats(geo({ ...llama, attention_bias: true })).parameters!;
    assert.equal(biased - 1_235_814_400, 16 * (2048 + 2 * 512 + 2048));
  });

  it('heads without num_key_value_heads default to one KV head per head; head_dim to hidden/heads', () => {
    const g = geo({ model_type: 'mistral', hidden_size: 512, intermediate_size: 1024, num_hidden_layers: 2, num_attention_heads: 8, vocab_size: 1000 });
    assert.equal(g.kvHeads, 8);
    assert.equal(g.headDim, 64);
    assert.ok(g.assumptions.some((a) => /num_key_value_heads/.test(a)));
  });

  it('reads the language model of a multimodal config from text_config', () => {
    const g = geo({ model_type: 'llava', text_config: JSON.parse(LLAMA), vision_config: { hidden_size: 1024 } });
    assert.equal(modelStats(g).parameters, 1_235_814_400);
    assert.match(g.assumptions[0], /text_config/);
  });

  it('mixture of experts: total and active parameters differ', () => {
    const s = modelStats(geo({ model_type: 'mixtral', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 100, num_local_experts: 8, num_experts_per_tok: 2, tie_word_embeddings: false }));
    const mlp = 2 * (8 * 3 * 64 * 128 + 64 * 8);
    assert.equal(s.breakdown!.mlp, mlp);
    assert.equal(s.parameters! - s.activeParameters!, mlp * 6 / 8);
  });

  describe('broken inputs give problems, never exceptions', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['array', [1, 2], /must be a JSON object.*an array/],
      ['null', null, /holds null/],
      ['string', 'x', /a string/],
      ['empty object', {}, /not a model description.*missing `hidden_size`/],
      ['tokenizer config', { tokenizer_class: 'LlamaTokenizer', model_max_length: 2048 }, /looks like a tokenizer config/],
      ['generation config', { do_sample: true, eos_token_id: 2, max_new_tokens: 10 }, /looks like a generation config/],
      ['missing keys', { model_type: 'llama', hidden_size: 2048, num_attention_heads: 32 }, /Missing keys `num_hidden_layers`, `vocab_size`/],
      ['missing intermediate_size', { model_type: 'llama', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 10 }, /Missing key `intermediate_size`/],
      ['heads do not divide', { model_type: 'llama', hidden_size: 100, intermediate_size: 10, num_hidden_layers: 2, num_attention_heads: 3, vocab_size: 10 }, /\(3\) does not divide `hidden_size` \(100\) and there is no `head_dim`/],
      ['kv heads do not divide', { model_type: 'llama', hidden_size: 64, intermediate_size: 10, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 3, vocab_size: 10 }, /`num_key_value_heads` \(3\) must divide/],
      ['text number', { model_type: 'llama', hidden_size: '2048', intermediate_size: 10, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 10 }, /`hidden_size` \(model width\) must be a whole number.*got "2048"/],
      ['negative', { n_embd: -1, n_layer: 2, n_head: 2, vocab_size: 3 }, /`n_embd`.*got -1/],
      ['hostile size', { model_type: 'llama', hidden_size: 1e300, intermediate_size: 10, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 10 }, /must be a whole number from 1 to 10,000,000/],
      ['genai without decoder keys', { model: { decoder: { hidden_size: 8 }, vocab_size: 10 } }, /Missing keys `model.decoder.num_hidden_layers`, `model.decoder.num_attention_heads`/],
      ['genai without decoder', { model: { type: 'phi3', context_length: 10 }, search: {} }, /no `model.decoder` section/],
    ];
    for (const [name, value, want] of cases)
      it(name, () => {
        const r = readGeometry(value);
        assert.equal(r.geometry, undefined);
        assert.equal(r.problems.length, 1, r.problems.join('\n'));
        assert.match(r.problems[0], want);
      });

    it('JSON syntax errors say where the file broke', () => {
      assert.deepEqual(parseGeometryText('{"a": 1,\n "b": }').problems, ["Not valid JSON: Unexpected token '}' (line 2, column 7)."]);
      assert.match(parseGeometryText('{"a": 1').problems[0], /ends too early/);
      // V8 quotes a snippet of long inputs ('..."ab_size": }" is not valid JSON'): not repeated.
      const long = LLAMA.replace('"vocab_size": 128256', '"vocab_size": ');
      assert.deepEqual(parseGeometryText(long).problems, ["Not valid JSON: Unexpected token ',' (line 10, column 17)."]);
      assert.match(parseGeometryText('   ').problems[0], /the file is empty/);
      assert.match(parseGeometryText('{"a":1} x').problems[0], /line 1, column 9/);
      assert.deepEqual(parseGeometryText('\ufeff' + LLAMA).problems, []);
    });

    it('the error scanner finds the offset in the usual mistakes', () => {
      assert.equal(jsonErrorOffset('[1,2,]'), 5);
      assert.equal(jsonErrorOffset('{"a" 1}'), 5);
      assert.equal(jsonErrorOffset('{"a":"x\\q"}'), 8);
      assert.equal(jsonErrorOffset('{"a":[1,{"b":2}],"c":3}'), undefined);
      assert.equal(jsonErrorOffset("{'a':1}"), 1);
      assert.equal(jsonErrorOffset('['.repeat(100000)), undefined);
    });

    it('random bytes and deep nesting stay bounded', () => {
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const base = LLAMA;
      for (let k = 0; k < 300; k++) {
        const chars = base.split('');
        for (let j = 0; j < 3; j++) chars[Math.floor(rnd() * chars.length)] = String.fromCharCode(Math.floor(rnd() * 128));
        const cut = rnd() < 0.3 ? Math.floor(rnd() * chars.length) : chars.length;
        const r = parseGeometryText(chars.slice(0, cut).join(''));
        assert.ok(r.geometry || r.problems.length > 0);
      }
      assert.ok(parseGeometryText('['.repeat(50000) + ']'.repeat(50000)).problems.length);
    });
  });
});
