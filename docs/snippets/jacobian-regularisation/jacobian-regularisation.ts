// #region example
import { NeuralODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { jacobianCondition, jacobianFrobenius, jacobianSpectral, Penalties, Penalty } from '@odeon/penalties';

// A small neural ODE dy/dt = f_θ(y): 2 → [16]×2 tanh → 2, as in the recorded experiment below.
const model = new NeuralODE({ n: 2, network: { width: 16, depth: 2, activation: 'tanh', seed: 0 } });
const problem = model.problem({ y0: [2, 0], t0: 0, t1: 10 });

// Solve it and count the work: NFE = evaluations of the right-hand side.
const times = Array.from({ length: 25 }, (_, i) => 0.4 * (i + 1));
const sol = solve(problem, { method: 'dopri5', rtol: 1e-7, atol: 1e-9, saveAt: times });
console.log(`dopri5 at rtol 1e-7: ${sol.stats.rhsEvals} RHS evaluations, ${sol.stats.acceptedSteps} steps`);

// The three Jacobian regularisers of J = ∂f/∂y, averaged over the 25 states of the trajectory.
const penalties = new Penalties([
  new Penalty({ name: 'frobenius', fn: jacobianFrobenius({ method: 'exact' }) }), // ‖J‖²_F
  new Penalty({ name: 'spectral', fn: jacobianSpectral() }), // σ_max(J)
  new Penalty({ name: 'condition', fn: jacobianCondition() }), // σ_max(J) / σ_min(J)
]);
const states = Float64Array.from(sol.y); // 25 × 2, row-major
const { terms } = penalties.evaluate(model, { states });
for (const [name, value] of Object.entries(terms)) console.log(`${name.padEnd(9)} ${value.toFixed(5)}`);

// What training adds to the loss gradient: d(penalty)/dθ for all network weights (second order).
const frobenius = penalties.updateAlpha(undefined, { spectral: 0, condition: 0 });
const { grad } = frobenius.valueAndGrad(model, { states });
console.log(`d‖J‖²_F/dθ: ${grad.length} entries, norm ${Math.hypot(...grad).toFixed(5)}`);
// #endregion example

export { grad, model, problem, sol, states, terms };
