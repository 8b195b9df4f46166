/** Public API of http: the gateway server factory. */

export { createTrustedProxies, normalizeIp, type TrustedProxies } from './client-ip.js';
export { createPortalStatic, type PortalStatic } from './portal-static.js';
export { createGatewayServer, type GatewayDeps, routeFor } from './server.js';
