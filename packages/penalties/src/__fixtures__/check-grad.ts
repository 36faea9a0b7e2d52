import type { OdeModel } from '@odeon/neural';
import { gradcheck } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { expect } from 'vitest';
import type { Penalties } from '../penalties.ts';
import type { PenaltyContext } from '../penalty.ts';

/** Gradchecks a collection's total against central differences in the model's flat parameters. */
export function checkGrad(
  pen: Penalties,
  model: OdeModel,
  context: PenaltyContext = {},
  tol = { rtol: 1e-5, atol: 1e-7 },
) {
  const report = gradcheck(
    (x) => pen.evaluate(model, { ...context, params: x }).total,
    (x) => pen.valueAndGrad(model, { ...context, params: x }).grad,
    model.p,
    { ...tol, h: 1e-6 },
  );
  expect(
    report.worstRatio,
    `worst index ${report.worstIndex}: ${report.analytic[report.worstIndex]} vs ${report.numeric[report.worstIndex]}`,
  ).toBeLessThanOrEqual(1);
  return report;
}
