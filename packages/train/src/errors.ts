import type { OdeonErrorContextBase } from '@odeon/core';
import type { Checkpoint } from './checkpoint.ts';

/** The error codes `@odeon/train` raises, added to `@odeon/core`'s map. */
declare module '@odeon/core' {
  interface OdeonErrorContexts {
    /** A data set that cannot be read or does not fit the model. */
    DatasetError: OdeonErrorContextBase & {
      readonly measurement?: string;
      readonly row?: number;
      readonly column?: string;
    };
    /** The loss or the parameters became non-finite during training. */
    TrainingDiverged: OdeonErrorContextBase & {
      readonly step?: number;
      readonly stage?: number;
      readonly loss?: number;
      readonly params?: Float64Array;
      /** The last good state: resume from it. */
      readonly checkpoint?: Checkpoint;
    };
    /** A checkpoint that cannot be written, read or resumed. */
    CheckpointError: OdeonErrorContextBase & { readonly step?: number };
  }
}

/** The error codes of `@odeon/train`. */
export type TrainErrorCode = 'DatasetError' | 'TrainingDiverged' | 'CheckpointError';
