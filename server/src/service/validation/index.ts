/** Every semantic rule, flat-mapped by `validateConfig`. Add a rule: one file, one line here. */
import type { ParsedConfig, Problem } from '../../core/config/parse';
import type { Rule, RuleDoc } from './rule';
import { rule as references } from './references';
import { rule as dvtsDivisibility } from './dvtsDivisibility';
import { rule as verifierRequired } from './verifierRequired';
import { rule as modelRequired } from './modelRequired';
import { rule as applicability } from './applicability';
import { rule as modelFiles } from './modelFiles';
import { rule as consistency } from './consistency';
import { rule as modelConfigFile } from './modelConfigFile';
import { rule as qualityData } from './qualityData';

export type { Rule, RuleDoc } from './rule';

/** Cap per document so a pathological file cannot flood an editor or a CI log. */
export const MAX_PROBLEMS = 200;

export const RULES: Rule[] = [references, modelRequired, verifierRequired, dvtsDivisibility, applicability, modelFiles, modelConfigFile, qualityData, consistency];

/** Problems of the parsed config plus those of every rule; a rule that throws reports itself, never breaks the rest. */
export function validateConfig(doc: RuleDoc, parsed: ParsedConfig): Problem[] {
  const out = [...parsed.problems];
  // Semantic rules on YAML that did not parse would report noise.
  if (parsed.problems.some((p) => p.code === 'yaml-syntax' || p.code === 'too-large')) return out.slice(0, MAX_PROBLEMS);
  for (const r of RULES) {
    try {
      out.push(...r.validate(doc, parsed));
    } catch (e) {
      out.push({ message: `Internal error in rule ${r.id}: ${e instanceof Error ? e.message : String(e)}`, severity: 'warning', range: { start: 0, end: 0 }, code: 'internal' });
    }
  }
  return out.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end).slice(0, MAX_PROBLEMS);
}
