import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { SUBSIDY_CONFIG, type SubsidyConfig } from './subsidy.config.js';

/** 200 when the read-model database answers, 503 otherwise. */
@Controller('health')
export class HealthController {
  constructor(@Inject(SUBSIDY_CONFIG) private readonly config: SubsidyConfig) {}

  @Get()
  async health(): Promise<{ status: 'ok' }> {
    try {
      await this.config.dataSource.query('select 1');
      return { status: 'ok' };
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'the database does not answer' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }
}
