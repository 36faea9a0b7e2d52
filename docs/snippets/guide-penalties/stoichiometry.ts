// #region example
import { RateFlowODE } from '@odeon/neural';
import { Penalties } from '@odeon/penalties';

// A reaction network with a learnable stoichiometry S (species × reactions) and rates from a network.
// Species A, B, C; mass conservation: A + B + C is constant, i.e. M = [1 1 1] with M·S = 0.
const network = (S: number[][]) =>
  new RateFlowODE({
    species: 3,
    reactions: 2,
    stoichiometry: S,
    conservation: [[1, 1, 1]],
    network: { width: 8, depth: 1, seed: 1 },
  });

const exact = network([
  [-1, 0],
  [1, -1],
  [0, 1],
]); // A → B → C
const learned = network([
  [-0.9, 0.1],
  [1.2, -1],
  [0.05, 0.7],
]); // what a half-trained model might hold

// The penalties of Kim et al.-style stoichiometry discovery, weighted.
const penalties = Penalties.forRateFlow({
  alpha: 0,
  integerAlpha: 1,
  bipolarAlpha: 1,
  conservationAlpha: 10,
});
for (const [name, model] of [
  ['A → B → C', exact],
  ['learned', learned],
] as const) {
  const { total, terms } = penalties.evaluate(model);
  const parts = Object.entries(terms).map(([k, v]) => `${k} ${v.toFixed(4)}`);
  console.log(`${name.padEnd(10)} total ${total.toFixed(4)}   (${parts.join(', ')})`);
}

// Gradients with respect to every flat parameter (S first, then the rate network), for training.
const { grad } = penalties.valueAndGrad(learned);
console.log(`d total / d S = [${Array.from(grad.subarray(0, 6), (g) => g.toFixed(3)).join(', ')}]`);

// #endregion example

export { exact, grad, learned, penalties };
