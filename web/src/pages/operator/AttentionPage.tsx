// Operator: payouts that need attention or wait for funds, and jobs that need attention, with retry and cancel.
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { PayoutCard } from "../../components/PayoutCard";
import { QueryState } from "../../components/QueryState";
import { JobsAttention } from "./JobsAttention";

export function AttentionPage() {
  const client = useQueryClient();
  const queue = useQuery({
    queryKey: ["attention"],
    queryFn: async () => unwrap(await api.GET("/api/v1/operator/payouts/attention")).payouts,
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "retry" | "cancel" }) => {
      const params = { params: { path: { id } } };
      return unwrap(action === "retry"
        ? await api.POST("/api/v1/operator/payouts/{id}/retry", params)
        : await api.POST("/api/v1/operator/payouts/{id}/cancel", params));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["attention"] }),
  });
  return (
    <Stack>
      <Title order={2}>Needs attention</Title>
      <Title order={3} size="h4">Payouts</Title>
      {act.isError && <Alert color="red" role="alert" data-testid="action-error">{act.error.message}</Alert>}
      <QueryState query={queue}>
        {(rows) => rows.length === 0 ? <Text data-testid="attention-empty">No payout needs attention.</Text> : rows.map((p) => (
          <PayoutCard key={p.id} payout={p} actions={
            <Group>
              {p.status === "needs_attention" && (
                <Button size="xs" onClick={() => act.mutate({ id: p.id, action: "retry" })} loading={act.isPending}>Retry</Button>
              )}
              <Button size="xs" color="red" variant="light" onClick={() => { if (window.confirm("Cancel this payout?")) act.mutate({ id: p.id, action: "cancel" }); }}>Cancel</Button>
            </Group>
          } />
        ))}
      </QueryState>
      <JobsAttention />
    </Stack>
  );
}
