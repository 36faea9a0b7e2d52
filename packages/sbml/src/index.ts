// Public API of @odeon/sbml: explicit named re-exports only (see README.md).
export { AVOGADRO, apply, type MathExpr, type MathOp, mathSymbols, num, sym, walkMath } from './ast.ts';
export {
  type CompileBackend,
  type CompiledEvent,
  type CompiledModel,
  type CompileOptions,
  compileModel,
  type ObservableKind,
} from './compile.ts';
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
export { type ParseSbmlOptions, parseSbml } from './sbml-reader.ts';
export { parseXml, type XmlElement, type XmlLimits } from './xml.ts';
