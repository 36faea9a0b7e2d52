import type { CliIo } from '../io.ts';

/** What `odeon train` reports (its `--json` output ends with the final metrics and wallSeconds). */
export interface TrainCommandResult {
  readonly config: string;
  readonly model: string;
  readonly parameters: number;
  readonly steps: number;
  readonly reason: string;
  readonly history: { readonly first: number; readonly last: number };
  /** Penalty total at the last step (when the last stage has penalties). */
  readonly penalty?: number;
  /** The backend of batched training (`batched` in the config), when on. */
  readonly batched?: 'cpu' | 'wasm-f32';
  readonly validation?: Readonly<Record<string, number>>;
  /** Where the trained model was written (relative to the working directory when inside it). */
  readonly output: string;
  /** The last checkpoint written (resume with `--resume`). */
  readonly checkpoint: string;
  /** The signal that stopped the run early (SIGINT, SIGTERM), if any. */
  readonly interrupted?: string;
  readonly scaledMae: number;
  readonly mse: number;
  readonly wallSeconds: number;
}

/** Options of `trainFromConfig`; `checkpoint`/`resume` are checkpoint file paths. */
export interface TrainFromConfigOptions {
  readonly out?: string;
  readonly outDir?: string;
  readonly checkpoint?: string;
  readonly checkpointEvery?: string;
  readonly resume?: string;
  readonly json?: boolean;
}

/** A trainer with the signature of `trainFromConfig` (passed to the sweep, which train.ts imports). */
export type Trainer = (
  configPath: string,
  options: TrainFromConfigOptions,
  io: CliIo,
) => Promise<TrainCommandResult>;
