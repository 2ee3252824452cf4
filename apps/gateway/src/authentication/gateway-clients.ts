import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProjectionRunner } from '@shuzhi/event-store';
import { waitUntil } from '@shuzhi/shared-kernel';
import { CLIENTS_CHANNEL, GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { gatewayError } from '../runtime/api-errors.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { gatewayClientsProjection, type GatewayClientRow } from './gateway-clients.projection.js';

/** The clients projection and the key cache that listens to it; the gateway serves once both run. */
@Injectable()
export class GatewayClients implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly runner: ProjectionRunner<GatewayClientRow>;
  readonly authenticator: ApiKeyAuthenticator;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.runner = new ProjectionRunner(config.store, config.dataSource, gatewayClientsProjection, {
      notifyChannel: CLIENTS_CHANNEL,
      onError: (error) => console.error(`projection ${gatewayClientsProjection.name}:`, error),
    });
    this.authenticator = new ApiKeyAuthenticator(config.dataSource, config.connection, CLIENTS_CHANNEL);
  }

  async onModuleInit(): Promise<void> {
    await this.config.dataSource.query('create schema if not exists gateway');
    const feeds = this.config.feeds;
    // A revoked key's feeds end: its next request would be refused, and so is its next change.
    if (feeds) {
      this.authenticator.onChanged(() =>
        void feeds
          .clientsChanged(
            (ids) => this.authenticator.activeAmong(ids),
            () => gatewayError('UNAUTHENTICATED', 'the API key this feed was opened with is no longer valid'),
          )
          .catch((error: unknown) => console.error('gateway: the change feeds could not be checked against the clients:', error)),
      );
    }
    this.authenticator.start();
    this.runner.start();
    // The leader creates the table on its first lead; a standby replica finds it made.
    const table = this.config.dataSource.getMetadata(gatewayClientsProjection.entity).tableName;
    await waitUntil(
      async () => {
        const [{ exists }] = await this.config.dataSource.query(`select to_regclass('gateway.' || $1) is not null as exists`, [table]);
        return exists;
      },
      { timeoutMs: 60_000, what: 'the gateway clients read model' },
    );
  }

  /** Open feeds end before the server closes, which waits for every connection to end. */
  beforeApplicationShutdown(): void {
    this.config.feeds?.endAll(() => gatewayError('INTERNAL', 'the gateway is stopping: subscribe again after extensions.cursor'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.authenticator.close();
    // Last: the projection above wrote through the DataSource that this closes.
    await this.config.release();
  }
}
