// A threshold channel's balance: converted USDT against the threshold, pending conversions, "pay out now".
import { Alert, Button, Card, Group, Progress, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { components } from "../../api/schema";

type Balance = components["schemas"]["ChannelBalance"];

export function BalanceCard({ id, balance }: { id: string; balance: Balance }) {
  const client = useQueryClient();
  const payNow = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/channels/{id}/payout-now", { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["balance", id] }).then(() => client.invalidateQueries({ queryKey: ["payouts", id] })),
  });
  if (!balance.threshold_usd) return null;
  const progress = Number(balance.progress_percent ?? "0");
  return (
    <Card withBorder data-testid="balance-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{balance.converted_usdt} USDT of ${balance.threshold_usd}</Text>
          <Text size="sm" c="dimmed">next batch pass {new Date(balance.next_pass_at).toLocaleString()}</Text>
        </Group>
        <Progress value={Math.min(progress, 100)} aria-label="Progress to the threshold" />
        {balance.pending_conversion.length > 0 && (
          <Text size="sm">
            Waiting for conversion: {balance.pending_conversion.map((m) => `${m.amount} ${m.currency.toUpperCase()}`).join(", ")}
            {balance.pending_estimated_usd ? ` (about $${balance.pending_estimated_usd})` : ""}
          </Text>
        )}
        {balance.batch_in_flight && <Text size="sm">A batch is under way ({balance.batch_in_flight.status}).</Text>}
        {payNow.isError && <Alert color="orange" role="alert">{payNow.error.message}</Alert>}
        <Button w="fit-content" size="xs" variant="light" disabled={!!balance.batch_in_flight}
          loading={payNow.isPending} onClick={() => payNow.mutate()}>
          Pay out now
        </Button>
      </Stack>
    </Card>
  );
}
