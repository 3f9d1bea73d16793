/** Starts the bridge HTTP server on the configured port (the CLI's `reelay bridge` and `reelay start`). */
import type { Server } from 'node:http';
import { buildApp } from './app';
import type { Services } from './services';

export async function listen(services: Services, port = services.config.port, host = services.config.host): Promise<Server> {
  const app = buildApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  services.onClose(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const addr = server.address();
  services.logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr }, 'bridge listening');
  return server;
}
