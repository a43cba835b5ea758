import { evaluateJob, type EvaluationContext, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';

export interface WorkerTask {
  readonly context: EvaluationContext;
  readonly job: EvaluationJob;
}

/** The worker thread's entry (bundled as dist/cli/optimize-worker.mjs): one job per task, on the shared bars. */
export default function runTask(task: WorkerTask): Promise<EvaluationResult> {
  return evaluateJob(task.context, task.job);
}
