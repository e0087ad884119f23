// Puts an API error on the form: 422 field messages on their fields, anything else as a form error.
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiFailure, formPath } from "../api/errors";

/** Returns the message to show above the form, or null when every problem went to a field. */
export function applyApiError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  known: (path: string) => boolean,
): string | null {
  if (!(error instanceof ApiFailure)) return "Could not reach Paygate. Check your connection and try again.";
  const unplaced: string[] = [];
  for (const field of error.fields) {
    const path = formPath(field.field);
    if (known(path)) setError(path as Path<T>, { type: "server", message: field.message });
    else unplaced.push(`${field.field}: ${field.message}`);
  }
  if (error.fields.length === 0) return error.message;
  return unplaced.length > 0 ? unplaced.join("; ") : null;
}
