import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';

export const SUBGRAPHS = Symbol('SUBGRAPHS');

/** 200 when every subgraph answers its own health check, 503 naming those that do not (API.md). */
@Controller('health')
export class HealthController {
  constructor(@Inject(SUBGRAPHS) private readonly subgraphs: Record<string, string>) {}

  @Get()
  async health(): Promise<{ status: 'ok'; subgraphs: Record<string, 'up'> }> {
    const checks = await Promise.all(
      Object.entries(this.subgraphs).map(async ([name, url]) => {
        const up = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })
          .then((response) => response.ok)
          .catch(() => false);
        return [name, up ? 'up' : 'down'] as const;
      }),
    );
    const down = checks.filter(([, state]) => state === 'down').map(([name]) => name);
    if (down.length > 0) {
      throw new HttpException({ status: 'unavailable', down }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', subgraphs: Object.fromEntries(checks) as Record<string, 'up'> };
  }
}
