import workerpool from 'workerpool';
import { runTask, type Task, type TaskHandlers } from './task.ts';

/**
 * Makes this module a pool worker serving the built-in handlers plus `handlers`. Call it at the top of
 * a worker script (a Node module or a browser module worker) and pass that script to `createPool`.
 */
export function serveWorker(handlers: TaskHandlers = {}): void {
  workerpool.worker({ run: (task: Task) => runTask(handlers, task) });
}
