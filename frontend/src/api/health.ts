/**
 * Whether the API answered the last request at all, and who is signed in: tiny stores the
 * client writes and components read with useSyncExternalStore.
 */

type Listener = () => void;

function createStore<T>(initial: T) {
  let value = initial;
  const listeners = new Set<Listener>();
  return {
    get: (): T => value,
    set(next: T): void {
      if (Object.is(next, value)) return;
      value = next;
      listeners.forEach((listener) => listener());
    },
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The message of the last network failure, or null once a request got an answer again. */
export const unreachable = createStore<string | null>(null);

/** Bumped whenever the API says the caller is not signed in (401). */
export const signedOut = createStore<number>(0);
