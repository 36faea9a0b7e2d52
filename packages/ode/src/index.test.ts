import { describe, expect, it } from 'vitest';
import * as ode from './index.ts';

describe('@odeon/ode public surface', () => {
  it('exports the error type at runtime', () => {
    expect(typeof ode.OdeonError).toBe('function');
    expect(typeof ode.isOdeonError).toBe('function');
  });
});
