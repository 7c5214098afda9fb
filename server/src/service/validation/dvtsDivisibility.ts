/** `dvts-divisibility`: DVTS splits n beams into n/beam_width independent subtrees, so n % beam_width must be 0. */
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'dvts-divisibility',
  validate(_doc, parsed) {
    const s = parsed.config.strategy;
    if (s?.approach !== 'dvts' || s.n === undefined || s.beam_width === undefined || s.beam_width < 1) return [];
    if (s.n % s.beam_width === 0) return [];
    const range = parsed.rangeOf(['strategy', 'n']);
    if (!range) return [];
    const lower = Math.floor(s.n / s.beam_width) * s.beam_width;
    const upper = lower + s.beam_width;
    const fits = lower > 0 ? [lower, upper] : [upper];
    return [
      {
        message: `DVTS needs n to be a multiple of beam_width (n/beam_width independent subtrees), but ${s.n} % ${s.beam_width} = ${s.n % s.beam_width}. Use n = ${fits.join(' or ')}, or a beam_width that divides ${s.n}.`,
        severity: 'error',
        range,
        code: 'dvts-divisibility',
        data: { n: s.n, beam_width: s.beam_width, fits },
      },
    ];
  },
  fixes: {
    'dvts-divisibility': (p) => {
      const fits = Array.isArray(p.data?.fits) ? p.data.fits.filter((n) => Number.isInteger(n) && n > 0) : [];
      return fits.map((n, i) => ({ title: `Set n to ${n} (a multiple of beam_width)`, text: String(n), preferred: i === 0 && fits.length === 1 }));
    },
  },
};
