// Operator: every payout of the platform (payments, conversions, batches) with its steps, newest first, paged.
import { Stack, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Pager } from "../../components/Pager";
import { PayoutCard } from "../../components/PayoutCard";
import { QueryState } from "../../components/QueryState";

const LIMIT = 20;

export function AllPayoutsPage() {
  const [offset, setOffset] = useState(0);
  const payouts = useQuery({
    queryKey: ["operator-payouts", offset],
    queryFn: async () => unwrap(await api.GET("/api/v1/operator/payouts", { params: { query: { limit: LIMIT, offset } } })).payouts,
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Title order={2}>All payouts</Title>
      <QueryState query={payouts}>
        {(rows) => (
          <Stack>
            {rows.length === 0 ? <Text data-testid="operator-payouts-empty">No payouts yet.</Text>
              : rows.map((p) => <PayoutCard key={p.id} payout={p} />)}
            <Pager offset={offset} limit={LIMIT} count={rows.length} onChange={setOffset} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
