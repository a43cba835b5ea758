import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { startDashboard, type Dashboard } from './dashboard-server.js';
import type { LiveView } from './live-snapshot.js';

/** The dashboard of `ets live` when `live.dashboard.enabled`: its address (with the token) goes to stdout at once. */
export async function startSessionDashboard(
  config: Config,
  view: LiveView,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<Dashboard | undefined> {
  const settings = config.live.dashboard;
  if (!settings.enabled) return undefined;
  const dashboard = await startDashboard(view, { port: settings.port, controls: settings.controls }, logger);
  out.write(`Dashboard: ${dashboard.url}\n`);
  return dashboard;
}
