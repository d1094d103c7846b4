import type { Request, Response } from 'restify';
import type { PrometheusMetrics } from '../observability/prometheus.js';

/** `GET /metrics`: the Prometheus text exposition (prom-client). */
export function metricsRoute(metrics: PrometheusMetrics) {
  return async (_req: Request, res: Response): Promise<void> => {
    const { contentType, body } = await metrics.exposition();
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, body);
  };
}
