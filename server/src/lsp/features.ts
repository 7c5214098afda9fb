import type { Feature } from './context';
import { feature as diagnostics } from './diagnostics';
import { feature as completion } from './completion';
import { feature as hover } from './hover';
import { feature as symbols } from './symbols';
import { feature as codeActions } from './codeActions';
import { feature as models } from './models';
import { feature as profiling } from './profiling';
import { feature as estimates } from './estimates';
import { feature as rewrites } from './rewrites';

/** Every LSP feature the server registers, in order. */
export const FEATURES: Feature[] = [diagnostics, completion, hover, symbols, codeActions, models, profiling, estimates, rewrites];
