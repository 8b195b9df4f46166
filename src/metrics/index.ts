/** Public API of metrics: a prom-client registry fed by core's diagnostics channels, and its listener. */
export { createMetrics, type Metrics, type MetricsSources } from './registry.js';
export { type MetricsServer, startMetricsServer } from './server.js';
