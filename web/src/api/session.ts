// The signed-in session: access token in memory only, refresh token in this tab's sessionStorage.
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

const REFRESH_KEY = "paygate.refresh";
let state: State = { accessToken: null, user: null, endedReason: null };
const listeners = new Set<() => void>();

function set(next: Partial<State>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export const session = {
  get: () => state,
  refreshToken: (): string | null => sessionStorage.getItem(REFRESH_KEY),
  start(auth: AuthSession) {
    sessionStorage.setItem(REFRESH_KEY, auth.refresh_token);
    set({ accessToken: auth.access_token, user: auth.user, endedReason: null });
  },
  setUser(user: User) {
    set({ user });
  },
  end(reason: string | null = null) {
    sessionStorage.removeItem(REFRESH_KEY);
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
