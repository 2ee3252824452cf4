import { useCallback, useEffect, useRef, useState } from 'react';

export interface Remote<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /**
   * Loads again until `settled` holds (or `timeoutMs` passes): lists come from read models, which
   * follow a write a moment later, so one reload right after it may still show the old state.
   */
  reloadUntil: (settled: (data: T) => boolean, timeoutMs?: number) => Promise<void>;
}

/** Data loaded from the API, again on `reload` or when `deps` change. */
export const useRemote = <T>(load: () => Promise<T>, deps: readonly unknown[]): Remote<T> => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const reloadUntil = useCallback(async (settled: (data: T) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const data = await latestLoad.current();
        if (settled(data) || Date.now() > deadline) return setState({ data, loading: false });
      } catch (error) {
        return setState({ error, loading: false });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }, []);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => setRound((r) => r + 1), []), reloadUntil };
};

/** An action against the API: its last error, and whether it runs. */
export const useAction = () => {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, clear: () => setError(null) };
};
