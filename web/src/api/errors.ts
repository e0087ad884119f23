// API errors as values: the error envelope, and its per-field messages keyed by form path.
import type { components } from "./schema";

export type ErrorBody = components["schemas"]["ErrorBody"];

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: { field: string; message: string }[];

  constructor(status: number, body: unknown) {
    const detail = (body as ErrorBody | undefined)?.error;
    super(detail?.message ?? `request failed (${status})`);
    this.status = status;
    this.code = detail?.code ?? "unknown";
    this.fields = detail?.fields ?? [];
  }
}

/** `tiers[0].price_usd` → `tiers.0.price_usd` (react-hook-form's path syntax). */
export function formPath(apiField: string): string {
  return apiField.replace(/\[(\d+)\]/g, ".$1");
}

/** The data of an openapi-fetch result, or an ApiFailure thrown. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiFailure(result.response.status, result.error);
}

/** Sends the request; resolves on any 2xx (for endpoints that answer without a body). */
export function ensureOk(result: { error?: unknown; response: Response }): void {
  if (!result.response.ok) throw new ApiFailure(result.response.status, result.error);
}
