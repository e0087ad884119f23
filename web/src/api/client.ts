// The typed API client (generated types) with bearer auth and one silent refresh on an expired token.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { session, type AuthSession } from "./session";

let refreshing: Promise<boolean> | null = null;

const REUSED_MESSAGE =
  "Your session was ended for safety because an old sign-in token was used again. Please log in again.";
const EXPIRED_MESSAGE = "Your session has expired. Please log in again.";

async function postRefresh(): Promise<Response> {
  // The HttpOnly cookie carries the refresh token; the JSON body is what keeps cross-site forms out.
  return fetch("/api/v1/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
}

/** Serialised across this browser's tabs: they share the cookie, and a token may be spent only once. */
function exclusively<T>(work: () => Promise<T>): Promise<T> {
  return navigator.locks ? (navigator.locks.request("paygate-refresh", work) as Promise<T>) : work();
}

/** Trades the refresh cookie for a new access token; false (and signed out) when it is refused. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= exclusively(async () => {
    const hadSession = session.get().user !== null;
    try {
      const response = await postRefresh();
      if (response.ok) {
        session.start((await response.json()) as AuthSession);
        return true;
      }
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      const reused = body?.error?.code === "refresh_token_reused";
      session.end(reused ? REUSED_MESSAGE : hadSession ? EXPIRED_MESSAGE : null);
      return false;
    } catch {
      return false;
    }
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function withToken(request: Request): Request {
  const token = session.get().accessToken;
  const headers = new Headers(request.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return new Request(request, { headers });
}

async function authedFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withToken(input));
  if (response.status !== 401 || !session.get().accessToken || /\/auth\/(login|signup|refresh|logout)$/.test(new URL(input.url).pathname)) {
    return response;
  }
  return (await refreshSession()) ? fetch(withToken(retry)) : response;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authedFetch });
