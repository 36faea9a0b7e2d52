// Public API of @odeon/sbml: explicit named re-exports only (see README.md).

export { AVOGADRO, apply, type MathExpr, type MathOp, mathSymbols, num, sym, walkMath } from './ast.ts';
export {
  buildModel,
  type CompartmentSpec,
  type EventSpec,
  type FunctionSpec,
  ModelBuilder,
  type ModelSpec,
  type ParameterSpec,
  parseModelJson,
  parseReactionEquation,
  type ReactionSpec,
  type RuleSpec,
  type SpeciesSpec,
} from './builder.ts';
export {
  type CompileBackend,
  type CompiledEvent,
  type CompiledModel,
  type CompileOptions,
  compileModel,
  type ObservableKind,
  SPARSE_MIN_STATES,
} from './compile.ts';
export { describeModel, type ModelSummary } from './describe.ts';
export type { SbmlErrorCode } from './errors.ts';
export { parseFormula } from './formula.ts';
export type { ExternalModelResolver } from './internal/comp-flatten.ts';
export { loadModel } from './load.ts';
export type {
  Compartment,
  EventAssignment,
  FunctionDefinition,
  InitialAssignment,
  LocalParameter,
  Model,
  ModelEvent,
  Parameter,
  Reaction,
  Rule,
  Species,
  SpeciesReference,
  UnsupportedFeature,
} from './model.ts';
export { modelEvents, problemWithEvents } from './ode-events.ts';
export { type ParseSbmlOptions, parseSbml } from './sbml-reader.ts';
export { writeMathML, writeSbml } from './sbml-writer.ts';
export { type SimulateOptions, simulate, type TimeCourse } from './simulate.ts';
export type { DerivativeEntry, SparseDerivatives } from './sparse-jacobian.ts';
export {
  compareSuiteResults,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  type SuiteComparison,
  type SuiteSettings,
  type SuiteTable,
  simulateForSettings,
  simulateSuiteCase,
  suiteSolverOptions,
} from './suite.ts';
export { type AtolScaling, stateTolerances } from './tolerances.ts';
export { parseXml, type XmlElement, type XmlLimits } from './xml.ts';
