// #region example
import { modelFromSpec, parameterGroups } from '@odeon/neural';

// The mechanism: Michaelis–Menten S → P (Odeon JSON; an SBML document works the same way).
const mechanism = JSON.stringify({
  species: { S: 1, P: 0 },
  parameters: { Vmax: 1.2, Km: 0.4 },
  reactions: [{ equation: 'S -> P', rate: 'Vmax * S / (Km + S)' }],
});

// A universal ODE from its description: the mechanism plus a gated 2 → 8 → 8 → 2 residual network,
// with Km trained alongside the network. `readMechanism` resolves the `mechanism` name to its text.
const model = modelFromSpec(
  { kind: 'universal-ode', mechanism: 'mm.json', trainable: ['Km'], width: 8, depth: 2, seed: 1 },
  { species: ['S', 'P'], readMechanism: () => mechanism },
);

// Which entries of model.p are the network and which the mechanistic θ (train's `groups`).
const groups = parameterGroups(model);
console.log(`${model.kind}: ${model.np} parameters`);
console.log(`network ${JSON.stringify(groups.network)} θ ${JSON.stringify(groups.parameters)}`);
// #endregion example

export { groups, model };
