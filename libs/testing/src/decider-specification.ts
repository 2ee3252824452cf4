import { expect } from '@jest/globals';
import type { Decider } from '@shuzhi/shared-kernel';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** What a command decided on the given history, asserted as a whole or read for finer checks. */
export interface DeciderWhen<Event> {
  /** The events decided; throws what `decide` throws. For assertions on part of an event. */
  events(): Event[];
  /** The command decides exactly these events (an empty list: it changes nothing). */
  then(expected: Event[]): void;
  /**
   * The command is refused: with an instance of the class, or an error whose `code` is the
   * string (the code a domain error carries to the API). Returns the error for further checks.
   */
  thenThrows<E extends Error>(expected: ErrorClass<E>): E;
  thenThrows(expected?: string): Error;
}

export interface DeciderGiven<Command, Event, State> {
  /** The state the history folds to, for assertions on the aggregate itself. */
  state: State;
  when(command: Command): DeciderWhen<Event>;
}

/**
 * Given/when/then over a decider, as Emmett's DeciderSpecification: the history is events, the
 * state is what `evolve` folds them to, and the command is decided on that state only when a
 * `then` asks, so a refusal is asserted rather than thrown out of the test.
 */
export const deciderSpecification = <Command, Event extends { type: string; data: unknown }, State>(
  decider: Decider<Command, Event, State>,
) => {
  const given = (history: Event[]): DeciderGiven<Command, Event, State> => {
    const state = history.reduce(decider.evolve, decider.initialState);
    return {
      state,
      when: (command) => {
        const events = () => decider.decide(command, state);
        return {
          events,
          then: (expected) => expect(events()).toEqual(expected),
          // Cast to the overloads: toBeInstanceOf has checked the error is of the class asked for.
          thenThrows: ((expected?: ErrorClass<Error> | string) => {
            let thrown: unknown;
            try {
              events();
            } catch (error) {
              thrown = error;
            }
            if (thrown === undefined) throw new Error(`the command was not refused: it decided ${JSON.stringify(events())}`);
            if (!(thrown instanceof Error)) throw new Error(`the command was refused with a non-error: ${String(thrown)}`);
            if (typeof expected === 'string') expect(thrown).toMatchObject({ code: expected });
            else if (expected) expect(thrown).toBeInstanceOf(expected);
            return thrown;
          }) as DeciderWhen<Event>['thenThrows'],
        };
      },
    };
  };
  return { given };
};
