// Operator: host wallet address, balances, mode and transfers in flight.
import { Alert, Badge, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { QueryState } from "../../components/QueryState";

export function WalletPage() {
  const wallet = useQuery({ queryKey: ["wallet"], queryFn: async () => unwrap(await api.GET("/api/v1/operator/wallet")) });
  return (
    <Stack>
      <Title order={2}>Host wallet</Title>
      <QueryState query={wallet}>
        {(w) => (
          <Stack>
            <Card withBorder>
              <Group gap="xs"><Badge color={w.mode === "live" ? "green" : "yellow"}>{w.mode}</Badge>
                <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>{w.address}</Text></Group>
              {w.balance_error && <Alert color="red" mt="sm">{w.balance_error}</Alert>}
              {w.balances.map((b) => <Text key={`${b.currency}-${b.network}`}>{b.amount} {b.currency.toUpperCase()} ({b.network.toUpperCase()})</Text>)}
            </Card>
            <Title order={3} size="h4">In flight</Title>
            {w.in_flight.length === 0 ? <Text>No transfers in flight.</Text> : (
              <Table.ScrollContainer minWidth={520}>
                <Table striped>
                  <Table.Tbody>
                    {w.in_flight.map((t) => (
                      <Table.Tr key={t.payout_id}><Table.Td>{t.amount.amount} {t.amount.currency.toUpperCase()}</Table.Td>
                        <Table.Td>{t.status}</Table.Td><Table.Td style={{ wordBreak: "break-all" }}>{t.to}</Table.Td>
                        <Table.Td>{new Date(t.since).toLocaleString()}</Table.Td></Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
