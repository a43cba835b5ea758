import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readConfigFile, validateConfig } from '../config/load-config.js';
import { applyOverrides, flagLabels, type ConfigOverride } from '../config/overrides.js';
import type { Config } from '../config/schema.js';
import { UsageError } from './exit-codes.js';

export const DEFAULT_CONFIG_PATH = 'config.yaml';

export function addConfigOption(command: Command): Command {
  return command.option('-c, --config <path>', 'configuration file', DEFAULT_CONFIG_PATH);
}

/**
 * Reads the config file, writes the command-line overrides in and validates the result once: the file goes through
 * the same checks with flags as without. A missing default `config.yaml` means "all defaults" so the CLI works from
 * any directory (and an error then names the command line, not a file that is not there); a missing explicit file
 * is an error.
 */
export function resolveConfig(path: string, overrides: readonly ConfigOverride[]): Config {
  const defaults = path === DEFAULT_CONFIG_PATH && !existsSync(path);
  const raw = defaults ? {} : readConfigFile(path);
  return validateConfig(applyOverrides(raw, overrides), defaults ? 'the command line' : path, flagLabels(overrides));
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole number of seconds ≥ 1 from a flag such as --lock-seconds. */
export function secondsFlag(flag: string, text: string): number {
  if (!/^[1-9]\d{0,4}$/.test(text)) throw new UsageError(`${flag} ${text}: expected a whole number of seconds ≥ 1`);
  return Number(text);
}
