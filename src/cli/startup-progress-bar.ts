import cliProgress from 'cli-progress';
import type { StartupProgress } from '../live/startup-progress.js';
import { NO_PROGRESS } from '../live/startup-progress.js';

/** A progress bar of a live session's start-up on a terminal (stderr); plain log lines are enough elsewhere. */
export function startupProgressBar(stream: NodeJS.WriteStream = process.stderr): StartupProgress {
  if (!stream.isTTY) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'startup [{bar}] {value}/{total} | {step}',
      // A hidden cursor would stay hidden after Ctrl+C.
      hideCursor: false,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(step, done, total) {
      if (!started) {
        bar.start(total, done, { step });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { step });
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
