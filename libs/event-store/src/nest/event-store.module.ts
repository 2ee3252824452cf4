import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '../event-store.js';
import { handleCommand, type CommandResult, type Decider, type HandleCommandOptions } from '../handle-command.js';

/** The injection token of the service's event store. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Makes one event store instance injectable everywhere in a service. */
@Global()
@Module({})
export class EventStoreModule {
  static forStore(store: EventStore): DynamicModule {
    return { module: EventStoreModule, providers: [{ provide: EVENT_STORE, useValue: store }], exports: [EVENT_STORE] };
  }
}

/**
 * The base of every event-sourced `@CommandHandler` (Nest's `ICommandHandler` shape): a handler names its decider, the stream of
 * a command and, where needed, the append options (actor metadata, retries, event ids), and
 * nothing else. The business rules stay in the decider.
 */
export abstract class DeciderCommandHandler<Command, Event extends { type: string; data: unknown }, State> {
  protected abstract readonly decider: Decider<Command, Event, State>;

  constructor(@Inject(EVENT_STORE) protected readonly store: EventStore) {}

  protected abstract streamIdOf(command: Command): string;

  protected optionsFor(_command: Command): HandleCommandOptions {
    return {};
  }

  execute(command: Command): Promise<CommandResult<Event, State>> {
    return handleCommand(this.store, this.streamIdOf(command), this.decider, command, this.optionsFor(command));
  }
}
