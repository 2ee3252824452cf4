import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand, type CommandResult, type EventStore, type HandleCommandOptions } from '@shuzhi/event-store';
import {
  idNumberReservationDecider,
  idNumberStreamId,
  reservedResidentId,
} from '../domain/id-number/id-number-reservation.decider.js';
import { normalizeIdNumber } from '../domain/id-number/id-number.js';
import type { ResidentEvent } from '@shuzhi/population-events';
import {
  residentDecider,
  residentStreamId,
  type ResidentCommand,
  type ResidentInput,
  type ResidentState,
} from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { metadataOf, type CommandOrigin } from './command-metadata.js';
import { PopulationFacts } from './population-facts.js';

export type RegisterResidentCommand = Extract<ResidentCommand, { type: 'RegisterResident' }>;

/**
 * Registers a resident so that an ID number is registered at most once, with two streams and
 * no transaction spanning them.
 *
 * 1. Decide against an empty stream first: input the register refuses writes nothing at all,
 *    not even a reservation.
 * 2. Reserve the number in `id-number-<n>` (expected version 'no-stream'). The first reservation
 *    stands forever and names one resident id; a later registration adds nothing there and is
 *    steered to that same id.
 * 3. Register in `resident-<that id>` (expected version 'no-stream'). If that stream is
 *    registered already, the resident decider refuses the duplicate (VALIDATION_FAILED), and
 *    nothing is written.
 *
 * Every registration of one number thus writes to one and the same resident stream, whose
 * 'no-stream' append lets exactly one through: two at once cannot both succeed, whatever
 * interleaving. A crash between 2 and 3 leaves only a reservation whose resident stream is
 * empty; that blocks nobody, because the next registration of the number completes it under
 * the reserved id. Hence no compensating event, no timeout, no lock, and nothing half-written
 * that a reader of residents could see.
 *
 * Reserving first, rather than a resident id derived from the number, keeps resident ids
 * meaningless: they travel to other departments and into consents, where a hash of the number
 * could be reversed by enumeration (a known birth date and district leave a thousand candidates).
 */
export const registerResident = async (
  store: EventStore,
  command: RegisterResidentCommand,
  options: HandleCommandOptions = {},
): Promise<CommandResult<ResidentEvent, ResidentState> & { residentId: string }> => {
  residentDecider.decide(command, residentDecider.initialState);
  const idNumber = normalizeIdNumber(command.input.idNumber);
  // A lost race for the reservation is retried once: the retry reads the winner's and follows it.
  const reservation = await handleCommand(
    store,
    idNumberStreamId(idNumber),
    idNumberReservationDecider,
    { type: 'ReserveIdNumber', idNumber, residentId: command.residentId, now: command.now },
    { ...options, retries: 1 },
  );
  const residentId = reservedResidentId(reservation.state, command.residentId);
  // Likewise for the resident stream: the retry meets the winner's registration and refuses as a duplicate.
  const result = await handleCommand(store, residentStreamId(residentId), residentDecider, { ...command, residentId }, { ...options, retries: 1 });
  return { ...result, residentId };
};

export class RegisterResident {
  constructor(readonly origin: CommandOrigin, readonly input: ResidentInput) {}
}

@CommandHandler(RegisterResident)
export class RegisterResidentHandler implements ICommandHandler<RegisterResident> {
  constructor(
    @Inject(POPULATION_CONFIG) private readonly config: PopulationConfig,
    private readonly facts: PopulationFacts,
  ) {}

  async execute({ origin, input }: RegisterResident) {
    const command: RegisterResidentCommand = {
      type: 'RegisterResident',
      residentId: randomUUID(),
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      input,
      householdRegistered: await this.facts.householdRegistered(input.householdId),
    };
    return registerResident(this.config.store, command, { metadata: metadataOf(origin) });
  }
}
