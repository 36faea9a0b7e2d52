import { OdeonError } from '../errors.ts';
import type { SolverContext } from '../internal/context.ts';
import type { Stepper } from '../internal/stepper.ts';
import { RosenbrockStepper } from '../solvers/rosenbrock.ts';
import type { Solver } from '../solvers/solver-values.ts';
import { RODAS4_TABLEAU } from '../solvers/tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from '../solvers/tableaus/rodas5p.ts';
import type { RosenbrockTableau } from '../solvers/tableaus/rosenbrock-tableau.ts';
import type { OdeEvent } from '../types.ts';
import { ConsistentInitializer } from './consistent-init.ts';
import type { MassMatrix } from './mass-matrix.ts';
import { MassMatrixSystem } from './mass-matrix-system.ts';

/** The methods that take a mass matrix (the Rodas tableaus satisfy the index-1 DAE order conditions). */
export const MASS_MATRIX_METHODS = ['rodas5p', 'rodas4', 'auto'] as const;

/** What a problem with a mass matrix runs on: its stepper and its events (re-initialising after affects). */
export interface PreparedDae {
  readonly stepper: Stepper;
  readonly events: readonly OdeEvent[];
}

function tableauOf(solver: Solver): RosenbrockTableau {
  if (solver.kind === 'rosenbrock') return solver.tableau;
  if (solver.kind === 'method') {
    if (solver.name === 'rodas4') return RODAS4_TABLEAU;
    // `auto` has nothing to switch to: its stiff half, Rodas5P, is what a DAE needs
    if (solver.name === 'rodas5p' || solver.name === 'auto') return RODAS5P_TABLEAU;
  }
  const name = solver.kind === 'method' ? solver.name : 'an explicit Runge–Kutta tableau';
  throw new OdeonError('InvalidOption', `Method "${name}" cannot solve a problem with a \`massMatrix\`.`, {
    option: 'massMatrix',
    value: name,
    allowed: `${MASS_MATRIX_METHODS.join(', ')}, or rosenbrock(tableau)`,
    hint: 'Use method "rodas5p" or "rodas4" (Rosenbrock methods for index-1 DAEs), or drop the mass matrix.',
  });
}

/**
 * Sets up an index-1 DAE `M y′ = f`: checks the method and linear solver, makes `y0`'s algebraic
 * components consistent in place (at `t0`), and wraps each event's affect so that the algebraic
 * components are made consistent again after it.
 */
export function prepareDae(
  ctx: SolverContext,
  mass: MassMatrix,
  solver: Solver,
  y0: Float64Array,
  t0: number,
  events: readonly OdeEvent[],
  names: readonly string[] | undefined,
): PreparedDae {
  const tableau = tableauOf(solver);
  const linearSolver = ctx.linearSolver ?? 'auto';
  if (linearSolver !== 'auto' && linearSolver !== 'dense') {
    throw new OdeonError('InvalidOption', `linearSolver "${linearSolver}" does not take a \`massMatrix\`.`, {
      option: 'linearSolver',
      value: linearSolver,
      allowed: 'auto, dense',
      hint: 'A problem with a mass matrix is factorised densely: drop `linearSolver` or pass "dense".',
    });
  }
  const init = new ConsistentInitializer(ctx, mass, names);
  init.run(y0, t0);
  const stepper = new RosenbrockStepper(ctx, tableau, new MassMatrixSystem(ctx, mass));
  if (init.size === 0) return { stepper, events };
  const wrapped = events.map((ev): OdeEvent => {
    const affect = ev.affect;
    if (affect === undefined) return ev;
    return {
      condition: (t, y, p) => ev.condition(t, y, p),
      ...(ev.direction === undefined ? {} : { direction: ev.direction }),
      ...(ev.terminal === undefined ? {} : { terminal: ev.terminal }),
      affect(t, y, p) {
        affect.call(ev, t, y, p);
        init.run(y as Float64Array, t);
      },
    };
  });
  return { stepper, events: wrapped };
}
