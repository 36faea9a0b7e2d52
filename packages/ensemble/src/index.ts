// Public API of @odeon/ensemble: explicit named re-exports only (see README.md).

export { type EnsembleOptions, type EnsembleResult, runEnsemble } from './ensemble.ts';
export type { EnsembleErrorCode } from './errors.ts';
export {
  describeError,
  type EnsembleMember,
  type MemberResult,
  type MemberSolveOptions,
  type Overrides,
  solveMember,
} from './member.ts';
export {
  type CloseOptions,
  createPool,
  defaultWorkerScript,
  type PoolOptions,
  type RunTasksOptions,
  runTasks,
  type TaskRunner,
} from './pool.ts';
export {
  type BuiltProblem,
  buildProblem,
  fromProblem,
  type ProblemSource,
  sourceKey,
} from './problem-source.ts';
export { type Distribution, type GridSpec, type SamplingSpec, sampleMembers } from './sampling.ts';
export { serveWorker } from './serve-worker.ts';
export { type EnsembleStats, ensembleStats, quantileSorted } from './stats.ts';
export {
  BUILTIN_HANDLERS,
  type MembersTaskInput,
  type MembersTaskOutput,
  type PackedMember,
  packMembers,
  runTask,
  solveMembersTask,
  type Task,
  type TaskHandler,
  type TaskHandlers,
  type TaskReply,
  transferList,
  unpackMembers,
  unwrapReply,
  withTransfer,
} from './task.ts';
export {
  type WorkerThreadStart,
  type WorkerThreadStartOptions,
  workerThreadInput,
  workerThreadStart,
} from './worker-thread.ts';
