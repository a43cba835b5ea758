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
