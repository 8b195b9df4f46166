/**
 * @simplewebauthn/server, loaded on the first ceremony: it pulls in an ASN.1/X.509 stack that costs ~200 ms of
 * start-up, and the forward-auth path never needs it.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;

export function webauthnLibrary(): Promise<typeof import('@simplewebauthn/server')> {
  library ??= import('@simplewebauthn/server');
  return library;
}
