import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ProjectionRunner } from '@shuzhi/event-store';
import { metrics, type ProjectionLag } from './metrics.js';

/** Where a read model's runners are held: a `runner` or a `runners` list, as every service keeps them. */
const runnersOf = (instance: unknown): ProjectionRunner<never>[] => {
  if (typeof instance !== 'object' || instance === null) return [];
  const values: unknown[] = Object.values(instance).flatMap((value: unknown) => (Array.isArray(value) ? value : [value]));
  return values.filter((value): value is ProjectionRunner<never> => value instanceof ProjectionRunner);
};

/**
 * Puts the projections of this application on the lag gauges. Each service owns its runners
 * (in its `*Projections` provider, the gateway in its clients and policy snapshot); they are found
 * among the application's providers rather than registered one by one, so a new projection is
 * measured without anyone remembering to.
 */
@Injectable()
export class ProjectionLagGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private unwatch: (() => void) | undefined;

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const runners = [...new Set(this.discovery.getProviders().flatMap((wrapper) => runnersOf(wrapper.instance)))];
    this.unwatch = metrics().watchProjections(() =>
      Promise.all(
        runners.map(async (runner): Promise<ProjectionLag> => ({ projection: runner.projection.name, ...(await runner.subscription.lag()) })),
      ),
    );
  }

  onApplicationShutdown(): void {
    this.unwatch?.();
  }
}
