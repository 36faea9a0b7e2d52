// Public API of @odeon/ensemble/queue (Node only): BullMQ coordinator and worker.
export { checkRedis, parseRedisUrl, type RedisTarget } from './connection.ts';
export { type QueueProgress, type QueueRunnerOptions, queueRunner, runIdOf } from './coordinator.ts';
export { DEFAULT_QUEUE, type JobData, QUEUE_PROTOCOL } from './protocol.ts';
export { jsonlStore, memoryStore, type ResultStore } from './result-store.ts';
export { fromWire, toWire } from './wire.ts';
export { type QueueWorker, type QueueWorkerOptions, startQueueWorker } from './worker.ts';
