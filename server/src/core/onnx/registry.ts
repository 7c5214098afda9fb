/**
 * The rule tables: every family of shape rules (shapes.ts, movement.ts, nn.ts, attention.ts) and of
 * FLOP rules (flops.ts, attention.ts) merged into the one table infer.ts and analyze.ts look an op up
 * in. A rule family imports only the rule types (rules.ts) and shared helpers, never this file, so
 * adding a family is one line here and no import circle.
 */
import type { FlopRule, ShapeRule } from './rules';
import { BASE_SHAPE_RULES } from './shapes';
import { MOVEMENT_SHAPE_RULES } from './movement';
import { NN_SHAPE_RULES } from './nn';
import { ATTENTION_FLOP_RULES, ATTENTION_SHAPE_RULES } from './attention';
import { BASE_FLOP_RULES } from './flops';

/** Shape rules by op type; a default-domain op that differs from its com.microsoft namesake is keyed `ai.onnx:<op>`. */
export const SHAPE_RULES: Record<string, ShapeRule> = { ...BASE_SHAPE_RULES, ...NN_SHAPE_RULES, ...MOVEMENT_SHAPE_RULES, ...ATTENTION_SHAPE_RULES };

/** FLOP rules by op type, keyed like SHAPE_RULES. */
export const FLOP_RULES: Record<string, FlopRule> = { ...BASE_FLOP_RULES, ...ATTENTION_FLOP_RULES };
