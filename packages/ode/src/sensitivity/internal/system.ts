/**
 * The gradient methods' systems are `internal/system.ts`'s: y, the adjoint λ, and augmented states
 * whose stage matrices they solve blockwise with n×n factorisations only.
 */
export {
  addStats,
  type OdeSystem as IntegrationSystem,
  type StageMatrixSystem as StiffSystem,
} from '../../internal/system.ts';
