export { type AllcloseOptions, type AllcloseReport, allclose } from './allclose.ts';
export {
  broadcastableShapes,
  finiteDouble,
  stableMatrix,
  vector,
  vectorOfLength,
  wellConditionedMatrix,
} from './arbitraries.ts';
export { countAllocations, type TypedArrayName } from './count-allocations.ts';
export {
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
  numericGradient,
  numericJacobian,
} from './gradcheck.ts';
export { freePort, hasRedisServer, startRedis, type TestRedis } from './redis-server.ts';
export {
  finalErrorVsReference,
  loadReference,
  REFERENCE_PROBLEMS,
  type Reference,
  type ReferenceGradients,
  type ReferenceName,
  scaledErrorVsReference,
} from './reference.ts';
export {
  loadSbmlSuiteCase,
  loadSbmlSuiteIndex,
  parseSuiteNumber,
  parseSuiteResults,
  type SbmlSuiteCase,
  type SbmlSuiteCaseEntry,
  type SbmlSuiteIndex,
  type SbmlSuiteName,
  sbmlSuiteDir,
} from './sbml-suite.ts';
export { repoRoot, sharedDir } from './shared-dir.ts';
