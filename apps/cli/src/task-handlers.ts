import type { TaskHandler, TaskHandlers } from '@odeon/ensemble';
import { fitStartTask } from './commands/fit-multistart.ts';
import { trainFromConfig } from './commands/train.ts';
import { type TrainConfigInput, trainConfigTask } from './commands/train-sweep.ts';

/** Every task the CLI sends to workers (threads, or `odeon worker` over Redis), by name. */
export const CLI_HANDLERS: TaskHandlers = {
  'fit.start': fitStartTask as TaskHandler,
  'train.config': ((input: TrainConfigInput) => trainConfigTask(input, trainFromConfig)) as TaskHandler,
};
