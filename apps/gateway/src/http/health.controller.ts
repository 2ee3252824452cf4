import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { healthUrlOf } from '../composition/subgraph-endpoints.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

type Check = 'up' | 'down';

/**
 * 200 when the gateway's own read model answers and every subgraph answers its health check;
 * 503 naming what does not (API.md). Unauthenticated: load balancers ask it.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get()
  async health(): Promise<{ status: 'ok'; gateway: 'up'; subgraphs: Record<string, 'up'> }> {
    const [gateway, ...subgraphs] = await Promise.all([
      this.config.dataSource
        .query('select 1')
        .then((): Check => 'up')
        .catch((): Check => 'down'),
      ...Object.entries(this.config.subgraphs).map(async ([name, url]) => {
        const up = await fetch(healthUrlOf(url), { signal: AbortSignal.timeout(2_000) })
          .then((response) => response.ok)
          .catch(() => false);
        return [name, up ? 'up' : 'down'] as const;
      }),
    ]);
    const down = subgraphs.filter(([, state]) => state === 'down').map(([name]) => name);
    if (gateway === 'down' || down.length > 0) {
      throw new HttpException({ status: 'unavailable', gateway, down }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', gateway, subgraphs: Object.fromEntries(subgraphs) as Record<string, 'up'> };
  }
}
