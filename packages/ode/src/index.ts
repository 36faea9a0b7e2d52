export {
  invalidOption,
  isOdeonError,
  OdeonError,
  type OdeonErrorCode,
  type OdeonErrorContext,
} from './errors.ts';
export type {
  FiredEvent,
  JacobianFunction,
  JvpFunction,
  OdeEvent,
  OdeProblem,
  ParamJacobianFunction,
  RhsFunction,
  Solution,
  SolveStats,
  Vec,
  VjpFunction,
} from './types.ts';
