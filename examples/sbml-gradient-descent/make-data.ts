/**
 * The tutorial's target as measurements for `odeon fit`: Ca_Cyt(t) = 300 + 50·sin(2π·0.1·t + 10) at
 * t = 0.1·i, i = 1..500 (500 steps of 0.1 over [0, 50]). The row at t = 0 has no value (missing,
 * masked out of the loss); it only fixes the start of the integration, whose initial state comes
 * from the model (`--initial model`).
 *
 *   node --conditions=@odeon/source --import tsx examples/sbml-gradient-descent/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const rows = ['measurement,time,Ca_Cyt', 'target,0,'];
for (let i = 1; i <= 500; i++) {
  const t = Number((0.1 * i).toFixed(10));
  rows.push(`target,${t},${(300 + 50 * Math.sin(2 * Math.PI * 0.1 * t + 10)).toPrecision(17)}`);
}
const out = fileURLToPath(new URL('./target.csv', import.meta.url));
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${out} (${rows.length - 1} rows)`);
