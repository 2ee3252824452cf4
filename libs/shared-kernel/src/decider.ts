/**
 * An aggregate as three pure functions (Jérémie Chassaing's decider): the state before any
 * event, what a command decides given the state, and how an event changes the state. Here, in
 * the pure kernel, so that a `domain/` folder defines one without knowing where events are kept.
 */
export interface Decider<Command, Event extends { type: string; data: unknown }, State> {
  initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}
