/** `portcullis serve`: config → runtime → listening gateway; refuses to start on any config error. */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRuntime, type Runtime } from '../../app/index.js';
import { formatIssues, loadConfigOrThrow } from '../../config/index.js';
import { ConfigError, isPortcullisError, PortcullisError } from '../../core/index.js';
import { createGatewayServer, createPortalStatic } from '../../http/index.js';
import { EXIT } from '../exit-codes.js';

export interface Started {
  readonly runtime: Runtime;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/** Reads `server.tls` PEM files; an unreadable file stops the start with its path named. */
function readTls(t: Runtime['config']['server']['tls']) {
  if (!t.key && !t.certificate) return undefined;
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new PortcullisError(
        'ERR_CONFIG_UNREADABLE',
        `cannot read ${what} '${path}': ${(e as Error).message}`,
      );
    }
  };
  return {
    key: read(t.key, 'server.tls.key'),
    cert: read(t.certificate, 'server.tls.certificate'),
    ca: t.clientCertificates.map((c) => read(c, 'server.tls.client_certificates')),
  };
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
    hasWebAuthn: runtime.hasWebAuthn,
    preferences: runtime.preferences,
    account: runtime.account,
    passkeyUvTwoFactors: config.webauthn.experimentalEnablePasskeyUvTwoFactors,
    logger: runtime.logger,
    decisionLogger: runtime.logger.decisions,
    tls: readTls(config.server.tls),
    maxHeaderSize: Math.max(16 * 1024, config.server.buffers.read),
    health: runtime.health,
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
      : `${config.server.tls.certificate ? 'https' : 'http'}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}${addr.path}`;
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
