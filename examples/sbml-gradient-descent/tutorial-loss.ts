/**
 * The SBML gradient-descent tutorial on BIOMD0000000145 (Wang et al. 2007, calcium oscillation),
 * done the tutorial's way: Adam (lr 1e-3, 1000 steps) on the raw kinetic parameters, loss
 * L = sqrt(Σᵢ (Ca_Cyt(tᵢ) − target(tᵢ))²) with target(t) = 300 + 50·sin(2π·0.1·t + 10) at the 500
 * times tᵢ = 0.1·i, i = 1..500 (500 steps of 0.1 over [0, 50]). dL/dp by the quadrature adjoint
 * of @odeon/ode (Rodas5P, rtol 1e-8, atol 1e-8), dL/dp = (dS/dp) / (2L) with S = L².
 *
 * With `--evaluate fitted.json` it only prints the tutorial loss of the initial parameters and of
 * the parameters in that file (the `parameters` of `odeon fit --json`), for the L-BFGS run.
 *
 *   node --conditions=@odeon/source --import tsx examples/sbml-gradient-descent/tutorial-loss.ts [--steps 1000] [--json]
 *   node --conditions=@odeon/source --import tsx examples/sbml-gradient-descent/tutorial-loss.ts --evaluate fit.json
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gradient, type OdeProblem } from '../../packages/ode/src/index.ts';
import { compileModel, loadModel } from '../../packages/sbml/src/index.ts';
import { createOptimizer } from '../../packages/train/src/index.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const STEPS = Number(flag('--steps') ?? 1000);
const LR = Number(flag('--lr') ?? 1e-3);
const json = args.includes('--json');

const model = compileModel(loadModel(readFileSync(here('./BIOMD0000000145.xml'), 'utf8')));
const ca = model.stateIds.indexOf('Ca_Cyt');
const times = Array.from({ length: 500 }, (_, i) => 0.1 * (i + 1));
const target = times.map((t) => 300 + 50 * Math.sin(2 * Math.PI * 0.1 * t + 10));
const base: OdeProblem = model.problem(0, 50);

/** S = Σ (Ca_Cyt − target)² and dS/dp at the parameters p. */
function sumOfSquares(p: Float64Array) {
  return gradient(
    { ...base, p },
    {
      method: 'rodas5p',
      rtol: 1e-8,
      atol: 1e-8,
      saveAt: times,
      sensitivity: { kind: 'quadrature' },
      loss: {
        value: (i, _t, y) => (y[ca] - target[i]) ** 2,
        grad: (i, _t, y, out) => {
          out[ca] = 2 * (y[ca] - target[i]);
        },
      },
    },
  );
}

const p0 = Float64Array.from(model.p);
const evaluate = flag('--evaluate');
if (evaluate !== undefined) {
  const fitted = JSON.parse(readFileSync(evaluate, 'utf8')) as { parameters: Record<string, number> };
  const p = Float64Array.from(p0);
  for (const [id, v] of Object.entries(fitted.parameters)) p[model.paramIds.indexOf(id)] = v;
  const out = {
    initialLoss: Math.sqrt(sumOfSquares(p0).value),
    finalLoss: Math.sqrt(sumOfSquares(p).value),
  };
  console.log(JSON.stringify(out, null, 2));
} else {
  const start = performance.now();
  const p = Float64Array.from(p0);
  const opt = createOptimizer({ kind: 'adam' }, p.length);
  const grad = new Float64Array(p.length);
  const curve: number[] = [];
  for (let k = 0; k <= STEPS; k++) {
    const g = sumOfSquares(p);
    const loss = Math.sqrt(g.value);
    curve.push(loss);
    if (!json && (k % 100 === 0 || k === STEPS)) console.log(`step ${k}: loss ${loss.toFixed(2)}`);
    if (k === STEPS) break;
    for (let j = 0; j < p.length; j++) grad[j] = g.dp[j] / (2 * loss);
    opt.update(p, grad, LR);
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const result = {
    parameters: Object.fromEntries(model.paramIds.map((id, j) => [id, p[j]])),
    initialParameters: Object.fromEntries(model.paramIds.map((id, j) => [id, p0[j]])),
    steps: STEPS,
    lossCurve: curve.filter((_, k) => k % 50 === 0 || k === STEPS),
    initialLoss: curve[0],
    finalLoss: curve[curve.length - 1],
    wallSeconds,
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else
    console.log(
      `initialLoss ${result.initialLoss.toFixed(2)} -> finalLoss ${result.finalLoss.toFixed(2)} in ${wallSeconds.toFixed(1)} s`,
    );
}
