import { idNumberReservationDecider, reservedResidentId, type IdNumberReservationCommand } from './id-number-reservation.decider.js';

const reserve = (residentId: string): IdNumberReservationCommand => ({
  type: 'ReserveIdNumber',
  idNumber: '11010519491231002X',
  residentId,
  now: '2026-11-27T02:00:00.000Z',
});
const { decide, evolve, initialState } = idNumberReservationDecider;

describe('ID number reservation decider', () => {
  it('reserves a free number for the proposed resident id', () => {
    const events = decide(reserve('r-1'), initialState);
    expect(events).toEqual([
      { type: 'IdNumberReserved', data: { idNumber: '11010519491231002X', residentId: 'r-1', at: '2026-11-27T02:00:00.000Z' } },
    ]);
    expect(reservedResidentId(events.reduce(evolve, initialState), 'r-1')).toBe('r-1');
  });

  it('keeps the first reservation: a later one adds nothing and is steered to the first resident id', () => {
    const reserved = decide(reserve('r-1'), initialState).reduce(evolve, initialState);
    expect(decide(reserve('r-2'), reserved)).toEqual([]);
    expect(reservedResidentId(reserved, 'r-2')).toBe('r-1');
  });
});
