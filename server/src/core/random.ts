/**
 * The seeded generator shared by everything that must reproduce the same draws (model weights of the
 * generated examples, output lengths, cascade routing): mulberry32, a 32-bit state generator whose
 * stream is identical in every JavaScript engine. `../shared/STRATEGIES.md` names it as the contract.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
