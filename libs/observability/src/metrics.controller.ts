import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { metrics } from './metrics.js';

/**
 * Prometheus's scrape: no API key (as /health), since it shows counts and durations only, never
 * who asked for what; keep it to the cluster network all the same (infra/ does).
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  async scrape(@Res() response: ServerResponse): Promise<void> {
    const { registry } = metrics();
    const body = await registry.metrics();
    response.statusCode = 200;
    response.setHeader('content-type', registry.contentType);
    response.end(body);
  }
}
