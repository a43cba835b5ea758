import type { HaltRequest } from '../risk/risk-engine.js';

/** SIGUSR2 pulls the kill switch of the session in this process (no flattening); returns the handler's remover. */
export function haltOnSignal(halt: (request: HaltRequest) => void): () => void {
  const onSignal = (): void => {
    process.stderr.write('\nSIGUSR2: halting trading (working entries cancelled, positions kept)\n');
    try {
      halt({ flatten: false, source: 'SIGUSR2', reason: 'halt signal' });
    } catch (error) {
      // A signal handler must not take the session down: say why the halt could not be recorded.
      process.stderr.write(`SIGUSR2: could not halt: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  process.on('SIGUSR2', onSignal);
  return () => {
    process.off('SIGUSR2', onSignal);
  };
}
