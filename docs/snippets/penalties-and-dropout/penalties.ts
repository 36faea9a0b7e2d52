// #region example
import { NeuralODE } from '@odeon/neural';
import { Penalties } from '@odeon/penalties';

// A small neural ODE, 2 → [4]×2 → 2 tanh: 32 weights and 10 biases (zero at initialisation).
const model = new NeuralODE({ n: 2, network: { width: 4, depth: 2, activation: 'tanh', seed: 3 } });

// The NeuralODE preset: l2 = Σ W² and l1 = Σ |W| over the weight matrices, each with its weight α.
const penalties = Penalties.forNeuralOde({ l2Alpha: 1e-3, l1Alpha: 1e-4 });
const { total, byName, terms } = penalties.evaluate(model);
for (const name of penalties.names) {
  console.log(`${name}: term ${terms[name].toFixed(6)} × α → ${byName[name].toExponential(6)}`);
}
const sum = Object.values(byName).reduce((a, b) => a + b, 0);
console.log(`total ${total.toExponential(6)}   Σ byName ${sum.toExponential(6)}`);

// For training: the total's gradient with respect to the flat parameters (the optimiser's vector).
const { grad } = penalties.valueAndGrad(model);
console.log(`${model.np} parameters, ${grad.filter((g) => g === 0).length} with zero gradient (the biases)`);
// #endregion example

export { byName, grad, model, penalties, terms, total };
