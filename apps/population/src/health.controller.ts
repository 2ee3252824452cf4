import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { PopulationProjections } from './projections/population-projections.js';

/** 200 when the read-model database answers and its tables are there, 503 otherwise. */
@Controller('health')
export class HealthController {
  constructor(private readonly projections: PopulationProjections) {}

  @Get()
  async health(): Promise<{ status: 'ok' }> {
    let ready: boolean;
    try {
      ready = await this.projections.tablesExist();
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'the database does not answer' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    if (!ready) throw new HttpException({ status: 'unavailable', reason: 'the read models are being built' }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ok' };
  }
}
