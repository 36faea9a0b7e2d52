/**
 * The SBMLtoODEjax gradient-descent tutorial under SBMLtoODEjax's own simulation semantics, to
 * explain and reproduce its numbers (loss ≈ 8400 → ≈ 500).
 *
 * What SBMLtoODEjax does (established from its generated model module for BIOMD0000000145 and its
 * tutorial notebook, flowersteam/sbmltoodejax):
 * - `ModelRollout` scans `ModelStep` over n_steps = 500 steps of deltaT = 0.1 and records the state
 *   *before* each step, so the trajectory is sampled at t = 0, 0.1, …, 49.9 (t = 0 included, t = 50
 *   not); the target is the sine at those times.
 * - `ModelStep` integrates dy/dt over [t, t + deltaT] with the assignment-rule variables w (Raplc,
 *   Rpkc, Rgalpha_gtp, Rdg, Rip3, Rcyt1, Rcyt2, Rer, PLC, DG) held at their values from the start of
 *   the step, and recomputes w only after the step. The rates therefore lag by up to 0.1 s: a
 *   different dynamical system from the SBML model, which evaluates the rules continuously.
 * - The tuned vector `c` holds the 24 kinetic constants *and* the two compartment sizes (Cytosol,
 *   ER), in raw (untransformed) coordinates; the generated rate laws multiply by the compartment
 *   size without dividing the species' rates by it, so Cytosol and ER act as global rate factors.
 * - Loss L = sqrt(Σ (Ca_Cyt(tᵢ) − target(tᵢ))²); optax.adam(1e-3), 1000 steps. (JAX runs in float32;
 *   we use float64.)
 *
 * This script writes the model's equations (from the SBML file; checked against @odeon/sbml's
 * compiled right-hand side at start-up) with that step-wise frozen-w rollout, integrates each step
 * with classical RK4 (`--substeps` per 0.1, default 20; the initial loss agrees to 1e-9 between 10
 * and 200 substeps), and runs Adam on L with the gradient from central differences of the rollout
 * (52 rollouts per step). `--continuous` evaluates the rules continuously instead (the SBML
 * semantics: the rollout is then the exact ODE solution), `--params 24` leaves out the compartments.
 *
 *   node --conditions=@odeon/source --import tsx examples/sbml-gradient-descent/jax-rollout.ts [--steps 1000] [--json]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
const SUBSTEPS = Number(flag('--substeps') ?? 20);
const NPARAMS = Number(flag('--params') ?? 26);
const frozen = !args.includes('--continuous');
const json = args.includes('--json');

const model = compileModel(loadModel(readFileSync(here('./BIOMD0000000145.xml'), 'utf8')));
const P = Object.fromEntries(model.paramIds.map((id, i) => [id, i])) as Record<string, number>;
/** c = the 24 kinetic constants (in @odeon/sbml's order), then the sizes of Cytosol and ER. */
const names = [...model.paramIds, 'Cytosol', 'ER'];
const VC = 24;
const VE = 25;
const c0 = Float64Array.from([...model.p, 1, 1]);
const Y0 = [1, 9, 1, 1000, 200]; // Galpha_GTP, APLC, IP3, Ca_ER, Ca_Cyt
const NT = 500;
const DT = 0.1;
const target = Float64Array.from(
  { length: NT },
  (_, k) => 300 + 50 * Math.sin(2 * Math.PI * 0.1 * (DT * k) + 10),
);

/** The assignment rules w(y, c) (DG, Raplc, Rpkc, Rgalpha_gtp, Rdg, Rip3, Rcyt1, Rcyt2, Rer, PLC). */
function assign(out: Float64Array, y: Float64Array, c: Float64Array): Float64Array {
  const G = y[0];
  const A = y[1];
  const I = y[2];
  const CE = y[3];
  const Ca = y[4];
  const DG = I;
  out[0] = DG;
  out[1] = A / (c[P.Kp] + A);
  out[2] = (DG / (c[P.Kd] + DG)) * (Ca / (c[P.Kr] + Ca));
  out[3] = G ** c[P.n] / (c[P.Kg] ** c[P.n] + G ** c[P.n]);
  out[4] = DG ** c[P.m] / (c[P.Kd] ** c[P.m] + DG ** c[P.m]);
  out[5] = I ** 3 / (c[P.Ks] ** 3 + I ** 3);
  out[6] = Ca / (c[P.Kc1] + Ca);
  out[7] = Ca / (c[P.Kc2] + Ca);
  out[8] = CE ** c[P.w] / (c[P.Ker] ** c[P.w] + CE ** c[P.w]);
  out[9] = c[P.Cplc_total] - A;
  return out;
}

/** dy/dt from the 11 reactions at state y with the rule values w. */
function rates(out: Float64Array, y: Float64Array, w: Float64Array, c: Float64Array): Float64Array {
  const vc = c[VC];
  const ve = c[VE];
  const r1 = vc * c[P.k0];
  const r2 = vc * c[P.k1] * y[0];
  const r3 = vc * c[P.k2] * w[1] * y[0];
  const r4 = vc * c[P.k3] * w[2] * y[0];
  const r5 = vc * c[P.k4] * w[3] * w[4] * w[9];
  const r6 = vc * c[P.k5] * y[1];
  const r7 = vc * c[P.k6] * y[1];
  const r8 = vc * c[P.k7] * y[2];
  const r9 = ve * (c[P.k8] * w[5] * w[8] - c[P.k9] * w[6]);
  const r10 = vc * c[P.k10] * w[7];
  const r11 = vc * c[P.k11];
  out[0] = r1 + r2 - r3 - r4;
  out[1] = r5 - r6;
  out[2] = r7 - r8;
  out[3] = -0.001 * r9;
  out[4] = 0.01 * r9 - 0.05 * r10 + 0.05 * r11;
  return out;
}

// The hand-written equations must be the SBML model's: compare with @odeon/sbml's compiled rhs.
{
  const y = Float64Array.from([1.3, 7, 2.2, 900, 250]);
  const mine = rates(new Float64Array(5), y, assign(new Float64Array(10), y, c0), c0);
  const theirs = new Float64Array(5);
  model.rhs(0, y, model.p, theirs);
  for (let j = 0; j < 5; j++) {
    if (Math.abs(mine[j] - theirs[j]) > 1e-12 * (1 + Math.abs(theirs[j]))) {
      throw new Error(`equation check failed for state ${j}: ${mine[j]} vs ${theirs[j]}`);
    }
  }
}

const w = new Float64Array(10);
const y = new Float64Array(5);
const k1 = new Float64Array(5);
const k2 = new Float64Array(5);
const k3 = new Float64Array(5);
const k4 = new Float64Array(5);
const tmp = new Float64Array(5);

/** L(c) = sqrt(Σ (Ca_Cyt(tₖ) − target(tₖ))²) over tₖ = 0, 0.1, …, 49.9. */
function loss(c: Float64Array): number {
  y.set(Y0);
  const h = DT / SUBSTEPS;
  const f = (out: Float64Array, s: Float64Array) => {
    if (!frozen) assign(w, s, c);
    return rates(out, s, w, c);
  };
  let sum = 0;
  for (let k = 0; k < NT; k++) {
    sum += (y[4] - target[k]) ** 2;
    if (k === NT - 1) break;
    assign(w, y, c); // frozen over the step (SBMLtoODEjax's ModelStep)
    for (let s = 0; s < SUBSTEPS; s++) {
      f(k1, y);
      for (let j = 0; j < 5; j++) tmp[j] = y[j] + 0.5 * h * k1[j];
      f(k2, tmp);
      for (let j = 0; j < 5; j++) tmp[j] = y[j] + 0.5 * h * k2[j];
      f(k3, tmp);
      for (let j = 0; j < 5; j++) tmp[j] = y[j] + h * k3[j];
      f(k4, tmp);
      for (let j = 0; j < 5; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    }
  }
  return Math.sqrt(sum);
}

/** Central differences of L in each tuned coordinate (step 1e-6·max(1, |c_j|)). */
function gradient(out: Float64Array, c: Float64Array): Float64Array {
  const cc = Float64Array.from(c);
  for (let j = 0; j < NPARAMS; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(c[j]));
    cc[j] = c[j] + h;
    const up = loss(cc);
    cc[j] = c[j] - h;
    const down = loss(cc);
    cc[j] = c[j];
    out[j] = (up - down) / (2 * h);
  }
  return out;
}

const start = performance.now();
const c = Float64Array.from(c0);
const grad = new Float64Array(NPARAMS);
const tuned = c.subarray(0, NPARAMS);
const opt = createOptimizer({ kind: 'adam' }, NPARAMS);
const curve: number[] = [];
for (let k = 0; k <= STEPS; k++) {
  const value = loss(c);
  curve.push(value);
  if (!json && (k % 50 === 0 || k === STEPS)) console.log(`step ${k}: loss ${value.toFixed(2)}`);
  if (!Number.isFinite(value)) throw new Error(`loss not finite at step ${k}`);
  if (k === STEPS) break;
  gradient(grad, c);
  opt.update(tuned, grad, LR);
}
const wallSeconds = (performance.now() - start) / 1000;
const result = {
  semantics: frozen ? 'sbmltoodejax (rules frozen over each 0.1 step)' : 'continuous rules (SBML)',
  tuned: names.slice(0, NPARAMS),
  substeps: SUBSTEPS,
  parameters: Object.fromEntries(names.map((id, j) => [id, c[j]])),
  lossCurve: curve.filter((_, k) => k % 50 === 0 || k === STEPS),
  steps: STEPS,
  initialLoss: curve[0],
  finalLoss: curve[curve.length - 1],
  wallSeconds,
};
if (json) console.log(JSON.stringify(result, null, 2));
else
  console.log(
    `initialLoss ${result.initialLoss.toFixed(2)} -> finalLoss ${result.finalLoss.toFixed(2)} in ${wallSeconds.toFixed(1)} s`,
  );
