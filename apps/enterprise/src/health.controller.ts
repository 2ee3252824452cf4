import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from './enterprise.config.js';

/** 200 when the read-model database answers, 503 otherwise. */
@Controller('health')
export class HealthController {
  constructor(@Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig) {}

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
