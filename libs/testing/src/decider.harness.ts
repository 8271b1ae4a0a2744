/**
 * The shape every decider has: commands in, events out, state folded from events. Structural, so a
 * context's decider needs no import from here (production code never imports @oars/testing).
 */
export interface Decider<Command, State, Event> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): readonly Event[];
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface WhenStep<Event> {
  /** The command decides exactly these events. */
  then(expected: readonly Event[] | readonly unknown[]): void;
  /** The command is refused with an error of this class (and, when given, this stable `code`). */
  thenThrows(error: ErrorClass, code?: string): void;
  /** The decided events, for assertions that only look at part of them. */
  events(): readonly Event[];
}

/**
 * given(decider, ...history).when(command).then(events) / .thenThrows(ErrorClass): the history is
 * folded with `evolve` from `initialState`, then the command is decided on that state.
 */
export function given<Command, State, Event>(decider: Decider<Command, State, Event>, ...history: readonly Event[]) {
  const state = history.reduce((s, e) => decider.evolve(s, e), decider.initialState);
  return {
    when(command: Command): WhenStep<Event> {
      const run = () => decider.decide(command, state);
      return {
        then: (expected) => expect(run()).toEqual(expected),
        thenThrows: (error, code) => {
          let thrown: unknown = null;
          try {
            run();
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(error);
          if (code !== undefined) expect((thrown as { code?: unknown }).code).toBe(code);
        },
        events: run,
      };
    },
    /** The state the history folds to (to check `evolve` itself). */
    state: () => state,
  };
}
