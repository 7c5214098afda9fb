/**
 * Shape-only models: the geometry of a transformer decoder read from a Hugging Face `config.json` or
 * an ONNX Runtime GenAI `genai_config.json`, and what follows from it without any weights: parameter
 * count, weight bytes per precision, KV cache bytes per token and FLOPs per generated token.
 *
 * Pure: a JSON value (or text) in, `{ geometry?, problems }` out. Never throws, bounded work.
 *
 * Parameter counting (checked against the published counts: Llama-3.2-1B 1,235,814,400; GPT-2
 * 124,439,808):
 *   embeddings V·d (+ learned positions P·d for GPT-2-style models), per layer the attention
 *   projections d·(H·hd) + 2·d·(KV·hd) + (H·hd)·d (+ biases), the MLP 3·d·ff for gated (SwiGLU/GeGLU)
 *   or 2·d·ff for plain MLPs (+ biases), two norms per layer and a final one (RMSNorm: d,
 *   LayerNorm: 2·d), and an LM head V·d unless tied to the embeddings.
 */

import type { Precision } from '../config/types';

export type { Precision } from '../config/types';
export const PRECISION_BYTES: Record<Precision, number> = { fp32: 4, fp16: 2, bf16: 2, int8: 1, int4: 0.5 };

export type GeometryFormat = 'hf' | 'genai';

export interface ModelGeometry {
  format: GeometryFormat;
  /** `model_type` (HF) or `model.type` (GenAI). */
  modelType?: string;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** MLP width; unknown for GenAI configs (they do not carry it). */
  intermediateSize?: number;
  vocabSize?: number;
  /** max_position_embeddings / n_positions / context_length. */
  contextLength?: number;
  tiedEmbeddings: boolean;
  activation?: string;
  gatedMlp: boolean;
  norm: 'rms' | 'layer';
  /** q/k/v projections carry biases. */
  qkvBias: boolean;
  /** The attention output projection carries a bias. */
  outBias: boolean;
  mlpBias: boolean;
  /** Learned absolute position embeddings (GPT-2 style); 0 when rotary/none. */
  positionEmbeddings: number;
  /** Native weight precision from `torch_dtype`, when given. */
  dtype?: Precision;
  /** Mixture of experts: experts per layer and experts used per token. */
  experts?: { total: number; perToken: number };
  /** Defaults that were applied (shown to the user). */
  assumptions: string[];
}

export interface GeometryResult {
  geometry?: ModelGeometry;
  /** Why the file is not a usable model description (empty when `geometry` is set). */
  problems: string[];
}

export interface ParameterBreakdown {
  embedding: number;
  position: number;
  attention: number;
  mlp: number;
  norms: number;
  head: number;
}

export interface ModelStats {
  /** Total parameters; undefined when the file lacks the MLP width (GenAI). */
  parameters?: number;
  /** Parameters without the token/position embeddings (Kaplan's N); undefined when unknown. */
  nonEmbeddingParameters?: number;
  /** Parameters used per token (differs from `parameters` for mixtures of experts). */
  activeParameters?: number;
  breakdown?: ParameterBreakdown;
  precision: Precision;
  /** Where `precision` came from. */
  precisionSource: 'config' | 'torch_dtype' | 'default';
  /** Weight bytes at `precision`, int8 and int4 (N × bytes per weight; quantization scales not counted). */
  weightBytes?: { precision: number; int8: number; int4: number };
  /** KV cache bytes per token at 16 bits: 2 · 2 · head_dim · kv_heads · layers. */
  kvBytesPerToken: number;
  /** FLOPs per generated token = fixed + perContextToken × context (Kaplan et al. 2020). */
  flopsPerToken: { fixed?: number; head?: number; perContextToken: number };
  /** KV cache bytes at the full context length, when known. */
  kvBytesAtContext?: number;
}

/** Bound on each size so hostile numbers cannot overflow the arithmetic into nonsense. */
const MAX_DIM = 10_000_000;
const MAX_LAYERS = 100_000;
const MAX_VOCAB = 100_000_000;
const MAX_CONTEXT = 1_000_000_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Families with learned absolute position embeddings, LayerNorm with biases and a plain MLP. */
const GPT2_LIKE = new Set(['gpt2', 'gpt_bigcode', 'gpt_neo', 'gptj', 'gpt_neox', 'opt', 'bloom', 'falcon', 'phi', 'codegen', 'starcoder2']);
const LEARNED_POSITIONS = new Set(['gpt2', 'gpt_bigcode', 'gpt_neo', 'opt']);
/** Families with gated MLPs (SwiGLU / GeGLU) whatever their activation's name. */
const GATED = new Set(['llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'qwen3', 'qwen3_moe', 'gemma', 'gemma2', 'gemma3', 'gemma3_text', 'phi3', 'olmo', 'olmo2', 'granite', 'cohere', 'internlm2', 'deepseek', 'smollm3', 'exaone', 'nemotron']);

/** Parse a model description's text (BOM tolerated); a syntax error says where it broke. */
export function parseGeometryText(text: string): GeometryResult {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { problems: [jsonErrorMessage(text, e)] };
  }
  return readGeometry(value);
}

/** "Not valid JSON: Unexpected token '}' (line 3, column 5)". */
export function jsonErrorMessage(text: string, e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  let msg = raw.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/, (\.\.\.)?"[\s\S]* is not valid JSON$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (msg.length > 120) msg = msg.slice(0, 117) + '…';
  const m = /position (\d+)/.exec(raw);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let where: string;
  const at = m ? Number(m[1]) : jsonErrorOffset(body);
  if (at !== undefined && at < body.length) {
    const pos = at;
    const before = body.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    where = ` (line ${line}, column ${col})`;
  } else where = body.trim() ? ' (the file ends too early)' : ' (the file is empty)';
  return `Not valid JSON: ${msg}${where}.`;
}

/**
 * Offset of the first syntax error in `s` (undefined when it is valid or ends too early). Node 20's
 * JSON.parse does not always say where it broke; this scanner does, iteratively (no recursion).
 */
export function jsonErrorOffset(s: string): number | undefined {
  let i = 0;
  const n = s.length;
  const ws = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  // Stack of open containers: '{' or '['.
  const stack: string[] = [];
  /** Scan one value at i; false when it is broken (i at the fault). */
  const scalar = (): boolean => {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < n && s[i] !== '"') {
        const ch = s.charCodeAt(i);
        if (ch < 0x20) return false;
        if (s[i] === '\\') {
          i++;
          if (i >= n) return true;
          if (s[i] === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) return i + 5 > n;
            i += 4;
          } else if (!'"\\/bfnrt'.includes(s[i])) return false;
        }
        i++;
      }
      if (i >= n) return true;
      i++;
      return true;
    }
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
    if (!lit) return false;
    i += lit[0].length;
    return true;
  };
  ws();
  for (let guard = 0; guard < n + 2; guard++) {
    ws();
    if (i >= n) return undefined;
    // Expect a value.
    if (s[i] === '{' || s[i] === '[') {
      stack.push(s[i]);
      i++;
      ws();
      if (i >= n) return undefined;
      if ((stack[stack.length - 1] === '{' && s[i] === '}') || (stack[stack.length - 1] === '[' && s[i] === ']')) {
        stack.pop();
        i++;
      } else if (stack[stack.length - 1] === '{') {
        if (s[i] !== '"' || !scalar()) return i;
        ws();
        if (i >= n) return undefined;
        if (s[i] !== ':') return i;
        i++;
        continue;
      } else continue;
    } else if (!scalar()) return i;
    if (i > n) return undefined;
    // After a value: close containers or a comma.
    for (;;) {
      ws();
      if (i >= n) return stack.length ? undefined : undefined;
      const top = stack[stack.length - 1];
      if (!top) return i; // trailing text after the top-level value
      if ((top === '{' && s[i] === '}') || (top === '[' && s[i] === ']')) {
        stack.pop();
        i++;
        continue;
      }
      if (s[i] !== ',') return i;
      i++;
      ws();
      if (i >= n) return undefined;
      if (top === '{') {
        if (s[i] !== '"' || !scalar()) return i;
        ws();
        if (i >= n) return undefined;
        if (s[i] !== ':') return i;
        i++;
      }
      break;
    }
  }
  return undefined;
}

/** What a JSON object that is not a model description looks like it is, for the message. */
function looksLike(o: Obj): string | undefined {
  if ('tokenizer_class' in o || 'added_tokens_decoder' in o || 'model_max_length' in o) return 'a tokenizer config (tokenizer_config.json)';
  if (isObj(o.model) && ('vocab' in o.model || 'merges' in o.model)) return 'a tokenizer (tokenizer.json)';
  if (('max_new_tokens' in o || 'do_sample' in o || 'eos_token_id' in o) && !('hidden_size' in o) && !('n_embd' in o)) return 'a generation config (generation_config.json)';
  if ('weight_map' in o) return 'a safetensors index (model.safetensors.index.json)';
  if ('search' in o && !('model' in o)) return 'an ONNX Runtime GenAI config without its "model" section';
  if ('_name_or_path' in o || 'architectures' in o || 'model_type' in o) return 'a Hugging Face config.json';
  return undefined;
}

interface Reader {
  problems: string[];
  int(o: Obj, keys: string[], label: string, max: number, required: boolean): number | undefined;
}

function reader(prefix: string): Reader {
  const problems: string[] = [];
  return {
    problems,
    int(o, keys, label, max) {
      for (const k of keys) {
        if (!(k in o) || o[k] === null) continue;
        const v = o[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
          problems.push(`\`${prefix}${k}\` (${label}) must be a whole number from 1 to ${max.toLocaleString('en-US')}, got ${short(v)}.`);
          return undefined;
        }
        return v;
      }
      return undefined;
    },
  };
}

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}

function dtypeOf(v: unknown): Precision | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.replace(/^torch\./, '').toLowerCase();
  if (s === 'float32' || s === 'fp32' || s === 'float') return 'fp32';
  if (s === 'float16' || s === 'fp16' || s === 'half') return 'fp16';
  if (s === 'bfloat16' || s === 'bf16') return 'bf16';
  if (s === 'int8') return 'int8';
  if (s === 'int4') return 'int4';
  return undefined;
}

/** Read the geometry of a parsed `config.json` / `genai_config.json`. */
export function readGeometry(value: unknown): GeometryResult {
  try {
    if (!isObj(value)) {
      const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      return { problems: [`A model description must be a JSON object (a config.json or genai_config.json), but this file holds ${what}.`] };
    }
    if (isObj(value.model) && isObj(value.model.decoder)) return readGenai(value.model);
    if (isObj(value.model) && !('hidden_size' in value) && !('n_embd' in value) && ('search' in value || 'context_length' in value.model || 'type' in value.model))
      return { problems: ['This looks like an ONNX Runtime GenAI config, but it has no `model.decoder` section with the decoder geometry (num_hidden_layers, num_attention_heads, num_key_value_heads, head_size, hidden_size).'] };
    // Multimodal configs nest the language model under text_config.
    if (isObj(value.text_config) && !('hidden_size' in value) && !('n_embd' in value)) {
      const r = readHf(value.text_config, 'text_config.', value);
      if (r.geometry) r.geometry.assumptions.unshift('Language model geometry read from `text_config` (multimodal config; the vision tower is not counted).');
      return r;
    }
    return readHf(value, '', value);
  } catch (e) {
    return { problems: [`Could not read the model description: ${e instanceof Error ? e.message : String(e)}`] };
  }
}

function readHf(o: Obj, prefix: string, root: Obj): GeometryResult {
  const r = reader(prefix);
  const assumptions: string[] = [];
  const modelType = typeof o.model_type === 'string' ? o.model_type : typeof root.model_type === 'string' ? root.model_type : undefined;
  const gpt2Aliases = 'n_embd' in o || 'n_layer' in o || 'n_head' in o;
  const family = modelType ?? (gpt2Aliases ? 'gpt2' : undefined);
  const d = r.int(o, ['hidden_size', 'n_embd', 'd_model'], 'model width', MAX_DIM, true);
  const layers = r.int(o, ['num_hidden_layers', 'n_layer', 'num_layers'], 'layers', MAX_LAYERS, true);
  const heads = r.int(o, ['num_attention_heads', 'n_head'], 'attention heads', MAX_DIM, true);
  const kvGiven = r.int(o, ['num_key_value_heads', 'n_head_kv', 'num_kv_heads'], 'KV heads', MAX_DIM, false);
  const hdGiven = r.int(o, ['head_dim'], 'head size', MAX_DIM, false);
  const ffGiven = r.int(o, ['intermediate_size', 'n_inner', 'ffn_dim'], 'MLP width', MAX_DIM * 8, false);
  const vocab = r.int(o, ['vocab_size'], 'vocabulary size', MAX_VOCAB, true);
  const ctx = r.int(o, ['max_position_embeddings', 'n_positions', 'n_ctx', 'seq_length'], 'context length', MAX_CONTEXT, false);

  const missing: string[] = [];
  const has = (keys: string[]) => keys.some((k) => k in o && o[k] !== null);
  if (!has(['hidden_size', 'n_embd', 'd_model'])) missing.push('hidden_size');
  if (!has(['num_hidden_layers', 'n_layer', 'num_layers'])) missing.push('num_hidden_layers');
  if (!has(['num_attention_heads', 'n_head'])) missing.push('num_attention_heads');
  if (!has(['vocab_size'])) missing.push('vocab_size');
  if (missing.length) {
    const like = looksLike(root);
    const isModel = missing.length < 4 || like === 'a Hugging Face config.json';
    r.problems.unshift(
      isModel
        ? `Missing ${missing.length > 1 ? 'keys' : 'key'} ${missing.map((k) => `\`${prefix}${k}\``).join(', ')}: the model's geometry cannot be read without ${missing.length > 1 ? 'them' : 'it'}.`
        : `This is not a model description${like ? `: it looks like ${like}` : ''}. Expected a Hugging Face config.json (hidden_size, num_hidden_layers, num_attention_heads, vocab_size…) or an ONNX Runtime GenAI genai_config.json (model.decoder…); missing ${missing.map((k) => `\`${k}\``).join(', ')}.`,
    );
  }
  if (r.problems.length || d === undefined || layers === undefined || heads === undefined || vocab === undefined) return { problems: r.problems };

  let headDim = hdGiven;
  if (headDim === undefined) {
    if (d % heads !== 0) return { problems: [`\`${prefix}num_attention_heads\` (${heads}) does not divide \`${prefix}hidden_size\` (${d}) and there is no \`${prefix}head_dim\`: the head size is not a whole number.`] };
    headDim = d / heads;
  }
  const kvHeads = kvGiven ?? heads;
  if (kvGiven === undefined && !gpt2Aliases && family !== undefined && !GPT2_LIKE.has(family)) assumptions.push(`No \`num_key_value_heads\`: assumed ${heads} (one per attention head).`);
  if (kvHeads > heads || heads % kvHeads !== 0) return { problems: [`\`${prefix}num_key_value_heads\` (${kvHeads}) must divide \`${prefix}num_attention_heads\` (${heads}) (each KV head serves a whole group of query heads).`] };

  const gpt2Like = family !== undefined && GPT2_LIKE.has(family);
  const act = typeof o.hidden_act === 'string' ? o.hidden_act : typeof o.activation_function === 'string' ? o.activation_function : undefined;
  let gated: boolean;
  if (family !== undefined && GATED.has(family)) gated = true;
  else if (gpt2Like) gated = false;
  else if (act && /silu|swish|swiglu|geglu/i.test(act)) gated = true;
  else if (act) gated = false;
  else {
    gated = true;
    assumptions.push('No `hidden_act` or known `model_type`: assumed a gated (SwiGLU) MLP.');
  }
  let ff = ffGiven;
  if (ff === undefined) {
    if (gpt2Aliases || gpt2Like) {
      ff = 4 * d;
      assumptions.push(`No MLP width (\`n_inner\`/\`intermediate_size\`): assumed 4 × ${d} = ${ff}.`);
    } else {
      const like = looksLike(root);
      return { problems: [`Missing key \`${prefix}intermediate_size\` (the MLP width)${like && like !== 'a Hugging Face config.json' ? `; this looks like ${like}` : ''}: the parameter count cannot be computed without it.`] };
    }
  }

  const norm: 'rms' | 'layer' = 'rms_norm_eps' in o ? 'rms' : 'layer_norm_epsilon' in o || 'layer_norm_eps' in o || gpt2Like ? 'layer' : 'rms';
  let qkvBias: boolean;
  let outBias: boolean;
  if (typeof o.attention_bias === 'boolean') {
    qkvBias = o.attention_bias;
    outBias = o.attention_bias;
  } else if (family === 'qwen2' || family === 'qwen2_moe') {
    qkvBias = true; // Qwen2 has q/k/v biases and no output bias (HF Qwen2Attention).
    outBias = false;
  } else {
    qkvBias = gpt2Like;
    outBias = gpt2Like;
  }
  const mlpBias = typeof o.mlp_bias === 'boolean' ? o.mlp_bias : gpt2Like;
  let tied: boolean;
  if (typeof o.tie_word_embeddings === 'boolean') tied = o.tie_word_embeddings;
  else if (typeof root.tie_word_embeddings === 'boolean') tied = root.tie_word_embeddings;
  else {
    tied = gpt2Like;
    assumptions.push(`No \`tie_word_embeddings\`: assumed ${tied ? 'tied (GPT-2 family default)' : 'a separate LM head'}.`);
  }
  const learned = family !== undefined && LEARNED_POSITIONS.has(family) ? (ctx ?? 0) : 0;
  let experts: ModelGeometry['experts'];
  const nExp = r.int(o, ['num_local_experts', 'num_experts'], 'experts', 100_000, false);
  if (nExp !== undefined && nExp > 1) {
    const perTok = r.int(o, ['num_experts_per_tok', 'num_selected_experts'], 'experts per token', nExp, false) ?? 2;
    experts = { total: nExp, perToken: perTok };
    assumptions.push(`Mixture of experts: ${nExp} experts per layer, ${perTok} used per token (shared experts not counted).`);
  }
  if (r.problems.length) return { problems: r.problems };
  const dtype = dtypeOf(o.torch_dtype ?? o.dtype ?? root.torch_dtype);
  return {
    geometry: {
      format: 'hf',
      ...(modelType ? { modelType } : {}),
      hiddenSize: d,
      layers,
      heads,
      kvHeads,
      headDim,
      intermediateSize: ff,
      vocabSize: vocab,
      ...(ctx ? { contextLength: ctx } : {}),
      tiedEmbeddings: tied,
      ...(act ? { activation: act } : {}),
      gatedMlp: gated,
      norm,
      qkvBias,
      outBias,
      mlpBias,
      positionEmbeddings: learned,
      ...(dtype ? { dtype } : {}),
      ...(experts ? { experts } : {}),
      assumptions,
    },
    problems: [],
  };
}

function readGenai(model: Obj): GeometryResult {
  const dec = model.decoder as Obj;
  const r = reader('model.decoder.');
  const d = r.int(dec, ['hidden_size'], 'model width', MAX_DIM, true);
  const layers = r.int(dec, ['num_hidden_layers'], 'layers', MAX_LAYERS, true);
  const heads = r.int(dec, ['num_attention_heads'], 'attention heads', MAX_DIM, true);
  const kvGiven = r.int(dec, ['num_key_value_heads'], 'KV heads', MAX_DIM, false);
  const hdGiven = r.int(dec, ['head_size'], 'head size', MAX_DIM, false);
  const ff = r.int(dec, ['intermediate_size'], 'MLP width', MAX_DIM * 8, false);
  const top = reader('model.');
  const vocab = top.int(model, ['vocab_size'], 'vocabulary size', MAX_VOCAB, false);
  const ctx = top.int(model, ['context_length'], 'context length', MAX_CONTEXT, false);
  const missing = ['num_hidden_layers', 'num_attention_heads'].filter((k) => !(k in dec) || dec[k] === null);
  if (!('hidden_size' in dec) && !('head_size' in dec)) missing.push('hidden_size');
  const problems = [...r.problems, ...top.problems];
  if (missing.length) problems.unshift(`Missing ${missing.length > 1 ? 'keys' : 'key'} ${missing.map((k) => `\`model.decoder.${k}\``).join(', ')} in this ONNX Runtime GenAI config: the decoder geometry cannot be read without ${missing.length > 1 ? 'them' : 'it'}.`);
  if (problems.length || layers === undefined || heads === undefined) return { problems };
  const assumptions: string[] = [];
  let headDim = hdGiven;
  if (headDim === undefined) {
    if (d === undefined || d % heads !== 0) return { problems: [`\`model.decoder.num_attention_heads\` (${heads}) does not divide \`model.decoder.hidden_size\` (${d}) and there is no \`model.decoder.head_size\`.`] };
    headDim = d / heads;
  }
  const hidden = d ?? heads * headDim;
  if (d === undefined) assumptions.push(`No \`model.decoder.hidden_size\`: assumed heads × head size = ${hidden}.`);
  const kvHeads = kvGiven ?? heads;
  if (kvGiven === undefined) assumptions.push(`No \`model.decoder.num_key_value_heads\`: assumed ${heads} (one per attention head).`);
  if (kvHeads > heads || heads % kvHeads !== 0) return { problems: [`\`model.decoder.num_key_value_heads\` (${kvHeads}) must divide \`model.decoder.num_attention_heads\` (${heads}).`] };
  const modelType = typeof model.type === 'string' ? model.type : undefined;
  return {
    geometry: {
      format: 'genai',
      ...(modelType ? { modelType } : {}),
      hiddenSize: hidden,
      layers,
      heads,
      kvHeads,
      headDim,
      ...(ff ? { intermediateSize: ff } : {}),
      ...(vocab ? { vocabSize: vocab } : {}),
      ...(ctx ? { contextLength: ctx } : {}),
      tiedEmbeddings: false,
      gatedMlp: true,
      norm: 'rms',
      qkvBias: modelType === 'qwen2',
      outBias: false,
      mlpBias: false,
      positionEmbeddings: 0,
      assumptions,
    },
    problems: [],
  };
}

/** Parameter breakdown; undefined when the MLP width or vocabulary is unknown (never guessed). */
export function countParameters(g: ModelGeometry): ParameterBreakdown | undefined {
  if (g.intermediateSize === undefined || g.vocabSize === undefined || g.format === 'genai') return undefined;
  const d = g.hiddenSize;
  const qDim = g.heads * g.headDim;
  const kvDim = g.kvHeads * g.headDim;
  const attn = d * qDim + 2 * d * kvDim + qDim * d + (g.qkvBias ? qDim + 2 * kvDim : 0) + (g.outBias ? d : 0);
  const ff = g.intermediateSize;
  const oneMlp = g.gatedMlp ? 3 * d * ff + (g.mlpBias ? 2 * ff + d : 0) : 2 * d * ff + (g.mlpBias ? ff + d : 0);
  const mlp = g.experts ? g.experts.total * oneMlp + d * g.experts.total : oneMlp;
  const normSize = g.norm === 'layer' ? 2 * d : d;
  return {
    embedding: g.vocabSize * d,
    position: g.positionEmbeddings * d,
    attention: g.layers * attn,
    mlp: g.layers * mlp,
    norms: (2 * g.layers + 1) * normSize,
    head: g.tiedEmbeddings ? 0 : g.vocabSize * d,
  };
}

/** Parameters active per token for a mixture of experts (total for dense models). */
function activeParameters(g: ModelGeometry, b: ParameterBreakdown): number {
  const total = b.embedding + b.position + b.attention + b.mlp + b.norms + b.head;
  if (!g.experts) return total;
  return total - Math.round((b.mlp * (g.experts.total - g.experts.perToken)) / g.experts.total);
}

/**
 * Everything the geometry implies. `precision` is the TTC config's `precision` for this model; without
 * it the config's `torch_dtype`, else fp16.
 *
 * FLOPs per generated token at context c follow Kaplan et al. 2020, "Scaling Laws for Neural Language
 * Models" (arXiv 2001.08361), Table 1: C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn, with N the
 * non-embedding parameters, plus 2·d·V for the LM head (the de-embedding matmul, run even when tied).
 * KV cache bytes: 2 (K and V) · 2 bytes (16-bit) · head_dim · kv_heads · layers per token.
 */
export function modelStats(g: ModelGeometry, precision?: Precision): ModelStats {
  const prec: Precision = precision ?? g.dtype ?? 'fp16';
  const precisionSource: ModelStats['precisionSource'] = precision ? 'config' : g.dtype ? 'torch_dtype' : 'default';
  const b = countParameters(g);
  const dAttn = g.heads * g.headDim;
  const kvBytesPerToken = 2 * 2 * g.headDim * g.kvHeads * g.layers;
  const perContextToken = 2 * g.layers * dAttn;
  const head = g.vocabSize !== undefined ? 2 * g.hiddenSize * g.vocabSize : undefined;
  const stats: ModelStats = { precision: prec, precisionSource, kvBytesPerToken, flopsPerToken: { perContextToken, ...(head !== undefined ? { head } : {}) } };
  if (g.contextLength) stats.kvBytesAtContext = kvBytesPerToken * g.contextLength;
  if (b) {
    const total = b.embedding + b.position + b.attention + b.mlp + b.norms + b.head;
    const nonEmb = total - b.embedding - b.position;
    const active = activeParameters(g, b);
    const activeNonEmb = active - b.embedding - b.position;
    stats.parameters = total;
    stats.nonEmbeddingParameters = nonEmb;
    stats.activeParameters = active;
    stats.breakdown = b;
    stats.weightBytes = { precision: total * PRECISION_BYTES[prec], int8: total, int4: total / 2 };
    // Kaplan's N counts the LM head when untied; 2·d·V adds the head matmul, so do not count it twice.
    stats.flopsPerToken.fixed = 2 * (activeNonEmb - b.head) + (head ?? 0);
  }
  return stats;
}
