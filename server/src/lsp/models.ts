import type { Feature } from './context';

// Placeholder: filled in by the issue that owns this feature.
export const feature: Feature = {
  register() {},
};
