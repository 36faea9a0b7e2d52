/**
 * The tutorial's target as measurements for `odeon fit`: Ca_Cyt(t) = 300 + 50·sin(2π·0.1·t + 10).
 *
 * - `target-tutorial.csv` (used by `config.json`): SBMLtoODEjax's own grid, t = 0, 0.1, …, 49.9 (its
 *   rollout of 500 steps of 0.1 records the state before each step, so t = 0 is included and t = 50
 *   is not). The t = 0 residual (the model's initial 200 against 272.8) is a constant of the loss.
 * - `target.csv`: the grid we first read the tutorial as, t = 0.1·i, i = 1..500; the t = 0 row has no
 *   value (masked out of the loss) and only fixes the start of the integration.
 *
 * Both are fitted from the model's initial state (`"initial": "model"` / `--initial model`).
 *
 *   node --conditions=@odeon/source --import tsx examples/sbml-gradient-descent/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sine = (t: number) => (300 + 50 * Math.sin(2 * Math.PI * 0.1 * t + 10)).toPrecision(17);
const write = (name: string, rows: string[]) => {
  const out = fileURLToPath(new URL(`./${name}`, import.meta.url));
  writeFileSync(out, `${rows.join('\n')}\n`);
  console.log(`wrote ${out} (${rows.length - 1} rows)`);
};

const shifted = ['measurement,time,Ca_Cyt', 'target,0,'];
for (let i = 1; i <= 500; i++) {
  const t = Number((0.1 * i).toFixed(10));
  shifted.push(`target,${t},${sine(t)}`);
}
write('target.csv', shifted);

const tutorial = ['measurement,time,Ca_Cyt'];
for (let i = 0; i < 500; i++) {
  const t = Number((0.1 * i).toFixed(10));
  tutorial.push(`target,${t},${sine(t)}`);
}
write('target-tutorial.csv', tutorial);
