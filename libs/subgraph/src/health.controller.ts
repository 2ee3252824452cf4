import { Controller, Get, HttpException, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';

/** The subgraph's read-model DataSource, for its health check. */
export const READ_MODELS = Symbol('READ_MODELS');

/** The read models' tables as `schema.table`: the subgraph is ready once they all exist. */
export const READ_MODEL_TABLES = Symbol('READ_MODEL_TABLES');

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Readiness, through terminus: 200 `{ status: 'ok' }` when the read-model database answers and
 * every read-model table is there (a first leader builds them from the log); 503 naming what is
 * not, and 503 as soon as a shutdown begins, so that a load balancer stops sending requests
 * while the in-flight ones drain. The gateway's /health asks every subgraph this.
 */
@Controller('health')
export class SubgraphHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(READ_MODEL_TABLES) private readonly tables: () => readonly string[],
  ) {}

  @Get()
  async check(): Promise<{ status: 'ok' }> {
    try {
      await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(() => this.readModels.query('select 1'))
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('readModels')
            .attempt(async () => {
              const missing = await this.missingTables();
              if (missing.length > 0) throw new Error(`being built: ${missing.join(', ')}`);
            })
            .withTimeout(CHECK_TIMEOUT_MS),
      ]);
      return { status: 'ok' };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      throw new HttpException({ status: 'unavailable', reason: reasonOf(result), checks: result.details }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }

  private async missingTables(): Promise<string[]> {
    const tables = this.tables();
    if (tables.length === 0) return [];
    const rows: Array<{ name: string }> = await this.readModels.query(
      'select t as name from unnest($1::text[]) t where to_regclass(t) is null',
      [tables],
    );
    return rows.map((row) => row.name);
  }
}

const reasonOf = (result: HealthCheckResult): string => {
  if (result.status === 'shutting_down') return 'shutting down';
  if (result.error?.database) return 'the database does not answer';
  return 'the read models are being built';
};
