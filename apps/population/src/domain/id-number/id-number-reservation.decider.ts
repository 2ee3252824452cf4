import type { Decider } from '@shuzhi/shared-kernel';
import type { IdNumberEvent } from '@shuzhi/population-events';

/**
 * The one resident id an ID number may ever be registered under. Reserving never refuses: the
 * first reservation stands and later ones add nothing, so every registration of the number is
 * steered to the same `resident-<id>` stream, where the resident decider refuses the second.
 */
export type IdNumberReservationState = { status: 'NONE' } | { status: 'RESERVED'; idNumber: string; residentId: string };

export type IdNumberReservationCommand = { type: 'ReserveIdNumber'; idNumber: string; residentId: string; now: string };

export const idNumberReservationDecider: Decider<IdNumberReservationCommand, IdNumberEvent, IdNumberReservationState> = {
  initialState: { status: 'NONE' },
  decide: (command, state) =>
    state.status === 'RESERVED'
      ? []
      : [{ type: 'IdNumberReserved', data: { idNumber: command.idNumber, residentId: command.residentId, at: command.now } }],
  evolve: (_state, event) => ({ status: 'RESERVED', idNumber: event.data.idNumber, residentId: event.data.residentId }),
};

/** The resident id a reservation steers registrations to; `proposed` when nothing is reserved yet. */
export const reservedResidentId = (state: IdNumberReservationState, proposed: string): string =>
  state.status === 'RESERVED' ? state.residentId : proposed;

/** Not `resident-id-…`: readers of the `resident-` prefix (projections, audit) must meet residents only. */
export const idNumberStreamId = (idNumber: string) => `id-number-${idNumber}`;
