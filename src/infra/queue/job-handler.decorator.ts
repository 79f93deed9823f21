import { SetMetadata } from '@nestjs/common';

import { JobName, JobPayloads } from './job-names';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** Marks a provider as the handler of one job name; its `handle` must be safe to run twice. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);

export interface JobContext {
  jobId: string;
  attempt: number;
}

export interface JobProcessor<N extends JobName> {
  handle(payload: JobPayloads[N], context: JobContext): Promise<void>;
}
