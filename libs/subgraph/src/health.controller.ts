import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** The subgraph's read-model DataSource, for its health check. */
export const READ_MODELS = Symbol('READ_MODELS');

/** 200 when the read-model database answers, 503 otherwise (the gateway's /health asks each subgraph). */
@Controller('health')
export class SubgraphHealthController {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  @Get()
  async health(): Promise<{ status: 'ok' }> {
    try {
      await this.readModels.query('select 1');
      return { status: 'ok' };
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'the database does not answer' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }
}
