/**
 * Options of `odeon simulate`, shared by its two forms: `--problem <name>` (bundled reference problems,
 * handled in simulate.ts) and a model file (SBML or Odeon JSON, handled in simulate-model.ts).
 */
export interface SimulateOptions {
  readonly problem?: string;
  readonly method?: string;
  readonly rtol?: number;
  readonly atol?: number;
  readonly t0?: number;
  readonly t1?: number;
  readonly steps?: number;
  /** SBML Test Suite settings file (start, duration, steps, variables, tolerances, amount/concentration). */
  readonly settings?: string;
  readonly out?: string;
  readonly plot?: string;
  readonly json?: boolean;
  /** Logarithmic plot axes: 'x', 'y' or 'xy' (`--log`). */
  readonly log?: string;
}
