/** The contract between the adaptive loop (`integrate.ts`) and a one-step method. */
import type { SolveStats, Vec } from '../../types.ts';
import type { IntegrationSystem } from './system.ts';

/** Interpolant families: Rosenbrock with 2 or 3 dense rows (Rodas4, Rodas5P), and Dopri5's CONTD5. */
export type DenseKind = 'rosenbrock2' | 'rosenbrock3' | 'dopri5';

export interface Stepper {
  readonly kind: DenseKind;
  /** Order of the embedded error estimate + 1 is the controller exponent's denominator. */
  readonly errorOrder: number;
  /** Number of state-sized vectors one step's dense output needs. */
  readonly denseWidth: number;
  readonly stats: SolveStats;
  readonly sys: IntegrationSystem;
  /** Attempts a step of size h from (t, y): writes the new state into `yNew` and the error estimate into `err`. */
  step(t: number, y: Vec, h: number, yNew: Vec, err: Vec): void;
  /** After an accepted step: writes the step's dense-output coefficients (denseWidth·size) into `out`. */
  dense(out: Vec, y: Vec, yNew: Vec, h: number): Vec;
  /** Stage vectors of the last attempted step that determine its result (the discrete adjoint keeps them). */
  readonly stageCount: number;
  /** Writes the last attempted step's `stageCount` stage vectors (stage-major, size each) into `out`. */
  copyStages(out: Vec): Vec;
  /** Marks the step accepted (lets FSAL methods reuse their last stage). */
  accept(): void;
  /** Forgets cached stages (after a rejected step or a jump in the state). */
  reset(): void;
}

/**
 * Evaluates one step's dense output at θ ∈ [0, 1] into `out` (size components).
 * Rosenbrock: y(θ) = (1−θ)y0 + θ(y1 + (1−θ)(D0 + θ(D1 + θD2))) (Rodas4: order 3, Rodas5P: order 4);
 * dopri5: Hairer's CONTD5 (order 4).
 */
export function evalDense(
  out: Vec,
  kind: DenseKind,
  block: Vec,
  offset: number,
  size: number,
  theta: number,
): Vec {
  const t1 = 1 - theta;
  if (kind === 'rosenbrock2') {
    for (let i = 0; i < size; i++) {
      const y0 = block[offset + i];
      const y1 = block[offset + size + i];
      const k1 = block[offset + 2 * size + i];
      const k2 = block[offset + 3 * size + i];
      out[i] = t1 * y0 + theta * (y1 + t1 * (k1 + theta * k2));
    }
  } else if (kind === 'rosenbrock3') {
    for (let i = 0; i < size; i++) {
      const y0 = block[offset + i];
      const y1 = block[offset + size + i];
      const k1 = block[offset + 2 * size + i];
      const k2 = block[offset + 3 * size + i];
      const k3 = block[offset + 4 * size + i];
      out[i] = t1 * y0 + theta * (y1 + t1 * (k1 + theta * (k2 + theta * k3)));
    }
  } else {
    for (let i = 0; i < size; i++) {
      const r1 = block[offset + i];
      const r2 = block[offset + size + i];
      const r3 = block[offset + 2 * size + i];
      const r4 = block[offset + 3 * size + i];
      const r5 = block[offset + 4 * size + i];
      out[i] = r1 + theta * (r2 + t1 * (r3 + theta * (r4 + t1 * r5)));
    }
  }
  return out;
}
