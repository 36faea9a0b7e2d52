/** Version of the job format shared by coordinators and workers; a worker refuses other versions. */
export const QUEUE_PROTOCOL = 1;

/** Default queue name. */
export const DEFAULT_QUEUE = 'odeon';

/** What a job carries: the protocol and program version, the handler name and its input (wire JSON). */
export interface JobData {
  readonly protocol: number;
  readonly version: string;
  readonly name: string;
  readonly input: string;
}

/** Job id of task `index` of run `runId`. */
export function jobId(runId: string, index: number): string {
  return `${runId}-${index}`;
}
