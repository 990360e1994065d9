import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api';
import type { AppConfig, Session } from './auth';

export interface AppContextValue {
  config: AppConfig;
  session: Session;
  api: ApiClient;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}

// One ticking clock for every countdown on the page, so that a board of hundreds of orders
// re-renders once a second instead of running hundreds of timers.
const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    if (!timer)
      timer = setInterval(() => {
        const at = Date.now();
        for (const listener of listeners) listener(at);
      }, 1000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads data, keeps the last answer while reloading, and optionally refreshes on a period. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => {
        if (mine === generation.current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (mine === generation.current)
          setState((previous) => ({ ...previous, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `load` depends on, in `deps`
  }, deps);
  useEffect(() => {
    run();
    if (!refreshMs) return undefined;
    const id = setInterval(run, refreshMs);
    return () => clearInterval(id);
  }, [run, refreshMs]);
  return { data: state.data, error: state.error, loading: state.loading, reload: run };
}
