/**
 * Ctrl+C and SIGTERM for a long-running command: the first asks it to stop gracefully, a second one exits at once
 * (code 130, as shells report an interrupted program). Returns a function that removes the handlers.
 */
export function handleInterrupts(
  stopGracefully: (signal: NodeJS.Signals) => void,
  exit: (code: number) => void = (code) => process.exit(code),
  write: (text: string) => void = (text) => process.stderr.write(text),
): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      write(`\n${signal} again: exiting now\n`);
      exit(130);
      return;
    }
    write(`\n${signal}: stopping gracefully (again to exit at once)\n`);
    stopGracefully(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * Holds Ctrl+C and SIGTERM back while a finished run's files take their names (a fraction of a second), so that an
 * interrupt cannot leave part of them published. Returns the release: a signal that came meanwhile then ends the
 * process as it would have (130 for SIGINT, 143 for SIGTERM). Releasing again does nothing.
 */
export function holdInterrupts(exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let held: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    held ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (held !== null) exit(held === 'SIGINT' ? 130 : 143);
  };
}
