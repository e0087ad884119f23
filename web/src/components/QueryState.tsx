// Loading and error states of a query, then its data.
import { Alert, Loader } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";

export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => React.ReactNode }) {
  if (query.isPending) return <Loader size="sm" aria-label="Loading" />;
  if (query.isError) return <Alert color="red" role="alert">{query.error.message}</Alert>;
  return <>{children(query.data)}</>;
}
