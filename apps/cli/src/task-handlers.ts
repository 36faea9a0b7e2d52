import type { TaskHandler, TaskHandlers } from '@odeon/ensemble';
import type { FitStartInput } from './commands/fit-multistart.ts';
import type { TrainConfigInput } from './commands/train-sweep.ts';

// Each handler loads its command when its first task arrives: a worker thread starts without the
// modules of the tasks it is never sent (training pulls in the tensor backends).

/** Every task the CLI sends to workers (threads, or `odeon worker` over Redis), by name. */
export const CLI_HANDLERS: TaskHandlers = {
  'fit.start': (async (input: FitStartInput) =>
    (await import('./commands/fit-multistart.ts')).fitStartTask(input)) as TaskHandler,
  'train.config': (async (input: TrainConfigInput) => {
    const [{ trainFromConfig }, { trainConfigTask }] = await Promise.all([
      import('./commands/train.ts'),
      import('./commands/train-sweep.ts'),
    ]);
    return trainConfigTask(input, trainFromConfig);
  }) as TaskHandler,
};
