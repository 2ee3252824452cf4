import { Controller, Get, HttpException, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { healthUrlOf } from '../composition/subgraph-endpoints.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GATEWAY_READ_MODEL_TABLES } from '../observability/gateway-read-models.js';

type Check = 'up' | 'down';

const CHECK_TIMEOUT_MS = 2_000;
const GATEWAY_CHECKS = ['database', 'readModels', 'policy'];

/**
 * Readiness, through terminus: 200 when the gateway's database answers, its read models (clients,
 * and the policy snapshot when it enforces) are there, its policy follows the log (it refuses
 * governed data otherwise) and every subgraph answers its own /health; 503 naming what does not
 * (API.md), and 503 once a shutdown begins. Unauthenticated: load balancers ask it.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(GATEWAY_READ_MODEL_TABLES) private readonly readModelTables: readonly string[],
  ) {}

  @Get()
  async check(): Promise<{ status: 'ok'; gateway: 'up'; subgraphs: Record<string, 'up'> }> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.indicators.check('database').attempt(() => this.config.dataSource.query('select 1')).withTimeout(CHECK_TIMEOUT_MS),
        () => this.indicators.check('readModels').attempt(() => this.readModelsThere()).withTimeout(CHECK_TIMEOUT_MS),
        () => this.indicators.check('policy').attempt(() => this.policyFollows()).withTimeout(CHECK_TIMEOUT_MS),
        ...Object.entries(this.config.subgraphs).map(
          ([name, url]) =>
            () =>
              this.indicators
                .check(name)
                .attempt(async ({ signal }) => {
                  const response = await fetch(healthUrlOf(url), { signal });
                  if (!response.ok) throw new Error(`answered ${response.status}`);
                })
                .withTimeout(CHECK_TIMEOUT_MS),
        ),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    const states = stateOf(result.details);
    const gateway: Check = GATEWAY_CHECKS.every((check) => states[check] === 'up') ? 'up' : 'down';
    const subgraphs = Object.fromEntries(Object.keys(this.config.subgraphs).map((name) => [name, states[name] ?? 'down']));
    const down = Object.entries(subgraphs).filter(([, state]) => state === 'down').map(([name]) => name);
    if (result.status !== 'ok' || gateway === 'down' || down.length > 0) {
      const reason = result.status === 'shutting_down' ? 'shutting down' : undefined;
      throw new HttpException({ status: 'unavailable', gateway, down, ...(reason ? { reason } : {}) }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', gateway, subgraphs: subgraphs as Record<string, 'up'> };
  }

  private async policyFollows(): Promise<void> {
    const policy = this.config.policy;
    if (policy && !(await policy.following())) throw new Error(`the policy snapshot has not followed the log for ${policy.behindMs()} ms`);
  }

  private async readModelsThere(): Promise<void> {
    const rows: Array<{ name: string }> = await this.config.dataSource.query(
      'select t as name from unnest($1::text[]) t where to_regclass(t) is null',
      [this.readModelTables],
    );
    if (rows.length > 0) throw new Error(`being built: ${rows.map((row) => row.name).join(', ')}`);
  }
}

const stateOf = (details: HealthIndicatorResult): Record<string, Check> =>
  Object.fromEntries(Object.entries(details).map(([key, value]) => [key, value.status === 'up' ? 'up' : 'down']));
