import workerpool from 'workerpool';
import { runTask, type Task, type TaskHandlers, transferList } from './task.ts';

/**
 * Makes this module a pool worker serving the built-in handlers plus `handlers`. Call it at the top of
 * a worker script (a Node module or a browser module worker) and pass that script to `createPool`.
 * Buffers an output marks with `withTransfer` are moved to the caller, not copied.
 */
export function serveWorker(handlers: TaskHandlers = {}): void {
  workerpool.worker({
    run: async (task: Task) => {
      const reply = await runTask(handlers, task);
      const transfer = transferList(reply);
      return transfer.length > 0 ? new workerpool.Transfer(reply, [...transfer]) : reply;
    },
  });
}
