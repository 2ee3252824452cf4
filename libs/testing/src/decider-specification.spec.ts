import { deciderSpecification } from './decider-specification.js';

class Overdrawn extends Error {
  readonly code = 'OVERDRAWN';
}
type Command = { type: 'Withdraw'; amount: number };
type Event = { type: 'Deposited' | 'Withdrawn'; data: { amount: number } };
const { given } = deciderSpecification<Command, Event, number>({
  initialState: 0,
  decide: (command, balance) => {
    if (command.amount > balance) throw new Overdrawn(`${command.amount} is more than ${balance}`);
    return command.amount === 0 ? [] : [{ type: 'Withdrawn', data: { amount: command.amount } }];
  },
  evolve: (balance, event) => (event.type === 'Deposited' ? balance + event.data.amount : balance - event.data.amount),
});
const deposited: Event = { type: 'Deposited', data: { amount: 10 } };

describe('decider specification', () => {
  it('folds the history into the state the command is decided on', () => {
    expect(given([deposited, deposited]).state).toBe(20);
    given([deposited]).when({ type: 'Withdraw', amount: 4 }).then([{ type: 'Withdrawn', data: { amount: 4 } }]);
    given([deposited]).when({ type: 'Withdraw', amount: 0 }).then([]);
  });

  it('fails a then that the decision does not match', () => {
    expect(() => given([deposited]).when({ type: 'Withdraw', amount: 4 }).then([])).toThrow();
  });

  it('asserts a refusal by class or by code and returns it', () => {
    const when = given([]).when({ type: 'Withdraw', amount: 1 });
    expect(when.thenThrows(Overdrawn).message).toBe('1 is more than 0');
    expect(when.thenThrows(Overdrawn).code).toBe('OVERDRAWN');
    expect(when.thenThrows('OVERDRAWN')).toBeInstanceOf(Overdrawn);
    expect(() => when.thenThrows('FORBIDDEN')).toThrow();
    expect(() => when.thenThrows(TypeError)).toThrow();
    expect(() => given([deposited]).when({ type: 'Withdraw', amount: 1 }).thenThrows()).toThrow(/not refused/);
  });
});
