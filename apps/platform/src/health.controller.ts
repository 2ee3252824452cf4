import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';

/** 200 when the platform can reach its event log, 503 otherwise (API.md, "Transport"). */
@Controller('health')
export class HealthController {
  constructor(@Inject(PostgresEventStore) private readonly store: PostgresEventStore) {}

  @Get()
  async health(): Promise<{ status: 'ok' }> {
    try {
      await this.store.pool.query('select 1');
      return { status: 'ok' };
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'the event log does not answer' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }
}
