/** `portcullis serve`: config → runtime → listening gateway; refuses to start on any config error. */
import type { Server } from 'node:http';
import { createRuntime, type Runtime } from '../../app/index.js';
import { formatIssues, loadConfigOrThrow } from '../../config/index.js';
import { ConfigError, isPortcullisError } from '../../core/index.js';
import { createGatewayServer, createPortalStatic } from '../../http/index.js';
import { EXIT } from '../exit-codes.js';

export interface Started {
  readonly runtime: Runtime;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the gateway in this process (also used by the demo and the test harness). */
export async function startGateway(
  runtime: Runtime,
  listen?: { host: string; port: number },
): Promise<Started> {
  const { config } = runtime;
  const server = createGatewayServer({
    pathPrefix: config.server.address.path,
    endpoints: config.server.endpoints.authz,
    trustedProxies: config.server.trustedProxies,
    authorize: runtime.authorize,
    flows: runtime.flows,
    cookies: config.session.cookies,
    cookieForHost: (host) => runtime.sessions.cookieConfigForHost(host),
    secondFactorEnabled: () => runtime.acl.isSecondFactorEnabled,
    hasTotp: runtime.hasTotp,
    logger: runtime.logger,
    tls: false,
    maxHeaderSize: Math.max(16 * 1024, config.server.buffers.read),
    portal: createPortalStatic({
      config,
      rememberMeFor: (host) => (runtime.sessions.cookieConfigForHost(host)?.rememberMe ?? -1) > 0,
    }),
  });
  const addr = config.server.address;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (listen) server.listen(listen.port, listen.host, resolve);
    else if (addr.scheme === 'unix') server.listen(addr.socketPath, resolve);
    else server.listen(addr.port, addr.host || (addr.scheme === 'tcp4' ? '0.0.0.0' : undefined), resolve);
  });
  const a = server.address();
  const url =
    typeof a === 'string' || a === null
      ? String(a)
      : `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}${addr.path}`;
  return {
    runtime,
    server,
    url,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await runtime.close();
    },
  };
}

export async function runServe(files: string[]): Promise<void> {
  let runtime: Runtime;
  try {
    const { config, warnings } = await loadConfigOrThrow(files.length ? files : [], process.env);
    if (warnings.length) console.error(formatIssues(warnings));
    runtime = await createRuntime(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(formatIssues(e.issues));
      console.error('portcullis: refusing to start: the configuration has errors (listed above).');
      process.exitCode = EXIT.FAILED;
      return;
    }
    if (isPortcullisError(e)) {
      console.error(`portcullis: refusing to start: ${e.message} [${e.code}]`);
      process.exitCode = EXIT.RUNTIME;
      return;
    }
    throw e;
  }
  const started = await startGateway(runtime);
  runtime.logger.info(
    { event: 'server.started', url: started.url },
    `Portcullis is listening on ${started.url}`,
  );
  const shutdown = (signal: string) => {
    runtime.logger.info({ event: 'server.stopping', signal }, 'shutting down');
    started.stop().then(
      () => process.exit(EXIT.OK),
      () => process.exit(EXIT.RUNTIME),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
