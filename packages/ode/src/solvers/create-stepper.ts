import type { SolverContext } from '../internal/context.ts';
import type { Stepper } from '../internal/stepper.ts';
import { createProblemSystem } from '../linalg/stage-matrix-system.ts';
import { AutoSwitchStepper } from './auto-switch.ts';
import { BdfStepper } from './bdf.ts';
import { ExplicitRkStepper } from './explicit-rk.ts';
import type { MethodName } from './method-name.ts';
import { RosenbrockStepper } from './rosenbrock.ts';
import { Rosenbrock23Stepper } from './rosenbrock23.ts';
import type { Solver } from './solver-values.ts';
import { BS3_TABLEAU } from './tableaus/bs3.ts';
import { DOP853_TABLEAU } from './tableaus/dop853.ts';
import { DOPRI5_TABLEAU } from './tableaus/dopri5.ts';
import { EULER_TABLEAU, MIDPOINT_TABLEAU, RK4_TABLEAU } from './tableaus/fixed.ts';
import { RODAS4_TABLEAU } from './tableaus/rodas4.ts';
import { RODAS5P_TABLEAU } from './tableaus/rodas5p.ts';
import { TSIT5_TABLEAU } from './tableaus/tsit5.ts';

/** Builds the stepper of a method (workspaces allocated here, once per solve). */
export function createStepper(ctx: SolverContext, solver: MethodName | Solver): Stepper {
  if (typeof solver !== 'string') {
    if (solver.kind === 'rosenbrock') return new RosenbrockStepper(ctx, solver.tableau);
    if (solver.kind === 'explicit-rk') return new ExplicitRkStepper(ctx, solver.tableau, 'hermite');
    return createStepper(ctx, solver.name);
  }
  const method = solver;
  switch (method) {
    case 'euler':
      return new ExplicitRkStepper(ctx, EULER_TABLEAU, 'hermite');
    case 'midpoint':
      return new ExplicitRkStepper(ctx, MIDPOINT_TABLEAU, 'hermite');
    case 'rk4':
      return new ExplicitRkStepper(ctx, RK4_TABLEAU, 'hermite');
    case 'bs3':
      return new ExplicitRkStepper(ctx, BS3_TABLEAU, 'hermite');
    case 'tsit5':
      return new ExplicitRkStepper(ctx, TSIT5_TABLEAU, 'tsit5');
    case 'dopri5':
      return new ExplicitRkStepper(ctx, DOPRI5_TABLEAU, 'dopri5');
    case 'dop853':
      return new ExplicitRkStepper(ctx, DOP853_TABLEAU, 'dop853');
    case 'rosenbrock23':
      return new Rosenbrock23Stepper(ctx);
    case 'rodas4':
      return new RosenbrockStepper(ctx, RODAS4_TABLEAU, createProblemSystem(ctx));
    case 'rodas5p':
      return new RosenbrockStepper(ctx, RODAS5P_TABLEAU, createProblemSystem(ctx));
    case 'bdf':
      return new BdfStepper(ctx, createProblemSystem(ctx));
    case 'auto':
      return new AutoSwitchStepper(ctx);
  }
}
