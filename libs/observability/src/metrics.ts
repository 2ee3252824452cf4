import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How far a projection's committed checkpoint is behind the readable log. */
export interface ProjectionLag {
  projection: string;
  /** Events the projection has yet to apply (counted up to a cap: at least this many). */
  events: number;
  /** Age of the oldest of them; 0 when caught up. */
  seconds: number;
}

/** Something that can say how far its projections lag (each service's projection runners). */
export type ProjectionLagSource = () => Promise<readonly ProjectionLag[]>;

/**
 * Shuzhi's metrics, in the process's one registry (with Node's default process metrics). Labels
 * are closed sets (routes, operation types, API.md codes, projection and subgraph names): a
 * scrape shows counts and durations, never a caller, a subject or a value.
 */
export class ShuzhiMetrics {
  readonly registry = new Registry();
  private readonly lagSources = new Set<ProjectionLagSource>();
  private lagRead: Promise<readonly ProjectionLag[]> | undefined;

  readonly httpRequests = new Counter({
    name: 'shuzhi_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'shuzhi_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'shuzhi_graphql_operations_total',
    help: 'GraphQL operations served, by operation type and outcome (ok, or the API.md code of the first error)',
    labelNames: ['operation_type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly policyDecisions = new Counter({
    name: 'shuzhi_policy_decisions_total',
    help: 'Recorded policy decisions at the gateway: ALLOW, PARTIAL, or REFUSED with its code',
    labelNames: ['outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly accessRecordAppend = new Histogram({
    name: 'shuzhi_access_record_append_seconds',
    help: 'Time to durably append one group of access records (one transaction)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly accessRecordBatch = new Histogram({
    name: 'shuzhi_access_record_batch_size',
    help: 'Access records appended together in one group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly projectionLagEvents: Gauge<'projection'>;
  readonly projectionLagSeconds: Gauge<'projection'>;

  readonly feedsOpen = new Gauge({
    name: 'shuzhi_change_feeds_open',
    help: 'Change feeds open on this gateway',
    registers: [this.registry],
  });

  readonly feedChanges = new Counter({
    name: 'shuzhi_change_feed_changes_total',
    help: 'Changes of change feeds decided at delivery: delivered, or passed over (withheld)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly feedEnds = new Counter({
    name: 'shuzhi_change_feed_ends_total',
    help: 'Change feeds the gateway ended, by the API.md code they ended with (QUOTA_EXCEEDED: a slow reader cut)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: 'shuzhi_subgraph_request_duration_seconds',
    help: 'Time the gateway waited for a subgraph, by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'shuzhi_' });
    const readLag = async () => {
      await this.readLag();
    };
    this.projectionLagEvents = new Gauge({
      name: 'shuzhi_projection_lag_events',
      help: 'Events a projection has yet to apply (read at scrape time, capped at 1000)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: readLag,
    });
    this.projectionLagSeconds = new Gauge({
      name: 'shuzhi_projection_lag_seconds',
      help: 'Age of the oldest event a projection has yet to apply (0 when caught up)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: readLag,
    });
  }

  /** Names this process's service on every series (`service` label). */
  nameService(service: string): void {
    this.registry.setDefaultLabels({ service });
  }

  /** Adds a service's projections to the lag gauges; the answer removes them again. */
  watchProjections(source: ProjectionLagSource): () => void {
    this.lagSources.add(source);
    return () => {
      this.lagSources.delete(source);
    };
  }

  /** The registry renders both lag gauges at once: one read of the log serves both. */
  private readLag(): Promise<readonly ProjectionLag[]> {
    this.lagRead ??= this.readLagNow().finally(() => {
      this.lagRead = undefined;
    });
    return this.lagRead;
  }

  private async readLagNow(): Promise<readonly ProjectionLag[]> {
    const settled = await Promise.allSettled([...this.lagSources].map((source) => source()));
    const lags = settled.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    // A projection whose lag cannot be read (its database is away) shows no value rather than an old one.
    this.projectionLagEvents.reset();
    this.projectionLagSeconds.reset();
    for (const lag of lags) {
      this.projectionLagEvents.set({ projection: lag.projection }, lag.events);
      this.projectionLagSeconds.set({ projection: lag.projection }, lag.seconds);
    }
    return lags;
  }
}

let processMetrics: ShuzhiMetrics | undefined;

/** The process's one set of metrics (several apps in one process, as in tests, share it). */
export const metrics = (): ShuzhiMetrics => {
  processMetrics ??= new ShuzhiMetrics();
  return processMetrics;
};
