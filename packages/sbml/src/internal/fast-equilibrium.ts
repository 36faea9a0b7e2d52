import { OdeonError, solve, type Vec } from '@odeon/ode';
import type { CompiledModel } from '../compile.ts';

/**
 * Fast reactions at rapid equilibrium (SBML `fast="true"`): their rates v_f(y) stay 0 while the slow
 * reactions move the state. With N the fast stoichiometric columns and J = ∂v_f/∂y, the state moves as
 * y′ = f_s + N μ, where μ solves (J N) μ = −J f_s, so that d v_f/dt = 0 (the index-1 DAE
 * f_s + N μ, 0 = v_f(y) reduced to an ODE on the equilibrium manifold). `equilibrate` puts a state on
 * that manifold by Newton's method along N (conserving every moiety the fast reactions conserve):
 * at t0 and after events.
 */
export class FastEquilibrium {
  readonly count: number;
  private readonly n: number;
  private readonly J: Float64Array;
  private readonly N: Float64Array;
  private readonly A: Float64Array;
  private readonly b: Float64Array;
  private readonly v: Float64Array;

  constructor(private readonly model: CompiledModel) {
    this.count = model.fast.count;
    this.n = model.n;
    const m = this.count;
    this.J = new Float64Array(m * this.n);
    this.N = new Float64Array(m * this.n);
    this.A = new Float64Array(m * m);
    this.b = new Float64Array(m);
    this.v = new Float64Array(m);
  }

  /** A = J Nᵀ at (t, y, p) (J and N refreshed). */
  private assemble(t: number, y: Vec, p: Vec): void {
    const { n, count: m, J, N, A } = this;
    this.model.fast.jacobian(J, t, y, p);
    this.model.fast.columns(N, t, y, p);
    for (let j = 0; j < m; j++)
      for (let k = 0; k < m; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += J[j * n + i] * N[k * n + i];
        A[j * m + k] = s;
      }
  }

  /** Solves A x = b in place (b becomes x) by Gaussian elimination with partial pivoting. */
  private solve(t: number): void {
    const { count: m, A, b } = this;
    for (let c = 0; c < m; c++) {
      let piv = c;
      for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]) > Math.abs(A[piv * m + c])) piv = r;
      if (!(Math.abs(A[piv * m + c]) > 0))
        throw new OdeonError('SingularMatrix', `The fast reactions have no unique equilibrium at t = ${t}.`, {
          t,
          element: this.model.fast.ids.join(', '),
          hint: 'Each fast reaction must be able to reach equilibrium (its rate must depend on the species it changes).',
        });
      if (piv !== c) {
        for (let k = 0; k < m; k++) {
          const x = A[c * m + k];
          A[c * m + k] = A[piv * m + k];
          A[piv * m + k] = x;
        }
        const x = b[c];
        b[c] = b[piv];
        b[piv] = x;
      }
      for (let r = c + 1; r < m; r++) {
        const f = A[r * m + c] / A[c * m + c];
        if (f === 0) continue;
        for (let k = c; k < m; k++) A[r * m + k] -= f * A[c * m + k];
        b[r] -= f * b[c];
      }
    }
    for (let c = m - 1; c >= 0; c--) {
      let s = b[c];
      for (let k = c + 1; k < m; k++) s -= A[c * m + k] * b[k];
      b[c] = s / A[c * m + c];
    }
  }

  /** out = dydt + N μ with (J N) μ = −J dydt: the slow rate projected onto the equilibrium manifold. */
  project(dydt: Vec, t: number, y: Vec, p: Vec): void {
    const { n, count: m, J, N, b } = this;
    this.assemble(t, y, p);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += J[j * n + i] * dydt[i];
      b[j] = -s;
    }
    this.solve(t);
    for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) dydt[i] += N[k * n + i] * b[k];
  }

  /**
   * Moves y along the fast columns until every fast rate is 0: Newton's method, or, where it cannot
   * start (an irreversible fast reaction has a degenerate equilibrium), the fast reactions run alone in
   * pseudo-time until they stop, which reaches the equilibrium their direction leads to.
   */
  equilibrate(t: number, y: Vec, p: Vec): void {
    const start = Float64Array.from(y);
    try {
      this.newton(t, y, p);
      return;
    } catch (error) {
      if (!(error instanceof OdeonError)) throw error;
      y.set(start);
    }
    const { n, count: m, N, v } = this;
    const sol = solve(
      {
        rhs: (_tau, yy, _p, d) => {
          this.model.fast.rates(v, t, yy, p);
          this.model.fast.columns(N, t, yy, p);
          d.fill(0);
          for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) d[i] += N[k * n + i] * v[k];
        },
        y0: y,
        t0: 0,
        t1: 1e12,
      },
      { method: 'rodas5p', rtol: 1e-12, atol: 1e-14, maxSteps: 100_000 },
    );
    y.set(sol.y.subarray(sol.y.length - n));
  }

  private newton(t: number, y: Vec, p: Vec): void {
    const { n, count: m, N, b, v } = this;
    for (let iter = 0; iter < 100; iter++) {
      this.model.fast.rates(v, t, y, p);
      this.assemble(t, y, p);
      for (let j = 0; j < m; j++) b[j] = -v[j];
      this.solve(t);
      let done = true;
      for (let i = 0; i < n; i++) {
        let dy = 0;
        for (let k = 0; k < m; k++) dy += N[k * n + i] * b[k];
        y[i] += dy;
        if (Math.abs(dy) > 1e-14 * Math.max(Math.abs(y[i]), 1e-300)) done = false;
      }
      if (done) return;
    }
    throw new OdeonError('SbmlSemanticError', `The fast reactions do not reach equilibrium at t = ${t}.`, {
      t,
      element: this.model.fast.ids.join(', '),
      hint: 'Check that the fast reactions have an equilibrium from this state.',
    });
  }
}
