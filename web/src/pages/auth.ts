// Session actions shared by the auth pages and the layout.
import { api } from "../api/client";
import { ensureOk, unwrap } from "../api/errors";
import { session } from "../api/session";
import type { LoginValues, SignupValues } from "../validation/account";

export async function logIn(values: LoginValues): Promise<void> {
  session.start(unwrap(await api.POST("/api/v1/auth/login", { body: values })));
}

export async function signUp(values: SignupValues): Promise<void> {
  session.start(unwrap(await api.POST("/api/v1/auth/signup", { body: values })));
}

/** Revokes the session on the server (its cookie is cleared) and forgets it here. */
export async function logOut(): Promise<void> {
  try {
    ensureOk(await api.POST("/api/v1/auth/logout", { body: {} }));
  } catch {
    // Signed out here either way; the server session expires by itself.
  }
  session.end();
}
