// The signed-in session in memory: the access token and the user (the refresh token is an HttpOnly cookie).
import { useSyncExternalStore } from "react";
import type { components } from "./schema";

export type User = components["schemas"]["UserView"];
export type AuthSession = components["schemas"]["AuthSession"];

interface State {
  accessToken: string | null;
  user: User | null;
  /** Why the last session ended on its own (shown on the login page). */
  endedReason: string | null;
}

let state: State = { accessToken: null, user: null, endedReason: null };
const listeners = new Set<() => void>();

function set(next: Partial<State>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export const session = {
  get: () => state,
  /** Keeps the access token and user; the refresh token in the body is ignored (the cookie holds it). */
  start(auth: AuthSession) {
    set({ accessToken: auth.access_token, user: auth.user, endedReason: null });
  },
  setUser(user: User) {
    set({ user });
  },
  end(reason: string | null = null) {
    set({ accessToken: null, user: null, endedReason: reason });
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): State {
  return useSyncExternalStore(session.subscribe, session.get);
}
