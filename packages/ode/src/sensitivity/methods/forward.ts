import type { GradientContext } from '../internal/context.ts';
import type { MethodResult } from './method-result.ts';

export function forwardGradient(_ctx: GradientContext): MethodResult {
  throw new Error('todo');
}
