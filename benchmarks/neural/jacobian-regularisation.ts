/**
 * Do Jacobian regularisers reduce solver work at the same data fit? (Finlay et al. 2020; Josias &
 * Brink 2022.) Runs the matched-fit protocol of `jacobian-experiment.ts` for no regulariser and for
 * each of kinetic energy ‖f‖², Frobenius ‖J‖²_F (exact), spectral norm σ_max and condition number
 * σ_max/σ_min, over several seeds, and prints a table of means: how many runs reached the target fit,
 * the Adam steps and training NFE (forward + backward RHS evaluations) spent to reach it, the NFE of
 * one dopri5 solve of the trained model at rtol 1e-7, the fit of that solve, and the mean condition
 * number and spectral norm of J along it.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/neural/jacobian-regularisation.ts [system=moons] [seeds=3] [target=0.02] [maxSteps=1500] [lr=0.002] [width=32] [alphaScale=1] [t1] [firstSeed=0]
 */

import {
  type JacobianExperimentResult,
  type JacobianSystem,
  type Regulariser,
  runJacobianExperiment,
} from './jacobian-experiment.ts';

const system = (process.argv[2] ?? 'moons') as JacobianSystem;
const seeds = Number(process.argv[3] ?? 3);
const targetMse = Number(process.argv[4] ?? 0.02);
const maxSteps = Number(process.argv[5] ?? 1500);
const lr = Number(process.argv[6] ?? 0.002);
const width = Number(process.argv[7] ?? 32);
/** Multiplies every regulariser's α. */
const alphaScale = Number(process.argv[8] ?? 1);
/** End of the time span (default: 1 for moons and twist, 10 for the trajectories). */
const t1 = process.argv[9] === undefined ? undefined : Number(process.argv[9]);
/** Seeds firstSeed … firstSeed + seeds − 1. */
const firstSeed = Number(process.argv[10] ?? 0);

const REGULARISERS: readonly (readonly [Regulariser, string, number])[] = [
  ['none', 'none', 0],
  ['kinetic', 'kinetic ‖f‖²', 1e-2],
  ['frobenius', 'Frobenius ‖J‖²_F', 1e-2],
  ['spectral', 'spectral σ_max', 1e-1],
  ['condition', 'condition σ_max/σ_min', 1e-2],
];

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const fmt = (x: number) => (Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US').replace(/,/g, ' '));
const lines = [
  `NeuralODE 2→[${width}]×2 tanh→2 on ${system}, Adam lr ${lr}, dopri5 with the discrete adjoint (rtol 1e-5) until the training loss ≤ ${targetMse} (at most ${maxSteps} steps); final solve at rtol 1e-7; seeds ${firstSeed}–${firstSeed + seeds - 1}; means over seeds`,
  '',
  '| regulariser | α | reached | steps | training NFE to target | final-solve NFE | fit (final solve) | mean cond(J) | mean σ_max(J) | seconds/run |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [reg, name, alpha] of REGULARISERS) {
  const rows: JacobianExperimentResult[] = [];
  const t0 = performance.now();
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++)
    rows.push(
      runJacobianExperiment({
        system,
        regulariser: reg,
        alpha: alpha * alphaScale,
        seed,
        targetMse,
        maxSteps,
        lr,
        width,
        ...(t1 === undefined ? {} : { t1 }),
      }),
    );
  const secs = (performance.now() - t0) / 1000 / seeds;
  const col = (f: (r: JacobianExperimentResult) => number) => mean(rows.map(f));
  lines.push(
    `| ${name} | ${reg === 'none' ? '–' : Number((alpha * alphaScale).toPrecision(3))} | ${rows.filter((r) => r.reached).length}/${seeds} | ${fmt(col((r) => r.steps))} | ${fmt(col((r) => r.trainNfe))} | ${fmt(col((r) => r.solveNfe))} | ${col((r) => r.mse).toExponential(2)} | ${col((r) => r.cond).toFixed(2)} | ${col((r) => r.spectral).toFixed(2)} | ${secs.toFixed(1)} |`,
  );
  console.log(lines[lines.length - 1]);
  for (const [k, r] of rows.entries())
    console.log(
      `  seed ${firstSeed + k}: ${r.reached ? 'reached' : 'not reached'} after ${r.steps} steps, training NFE ${r.trainNfe}, final NFE ${r.solveNfe}, fit ${r.mse.toExponential(2)}, cond ${r.cond.toFixed(2)}`,
    );
}
console.log(`\n${lines.join('\n')}`);
