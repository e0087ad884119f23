// Payments of one channel: amounts, fee, owner share, payout status.
import { Anchor, Badge, Button, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router-dom";
import { download, toCsv } from "../../components/csv";
import { usePayments } from "../../api/queries";
import { QueryState } from "../../components/QueryState";

export function PaymentsTab({ id }: { id: string }) {
  const payments = usePayments(id);
  return (
    <QueryState query={payments}>
      {(rows) =>
        rows.length === 0 ? <Text>No payments yet.</Text> : (
          <Stack>
          <Button size="xs" variant="default" w="fit-content" onClick={() => download(`payments-${id}.csv`, toCsv(
            ["created_at", "id", "kind", "price_usd", "paid_usd", "settled_amount", "settled_currency", "platform_fee", "owner_share", "verdict", "payout_status", "payout_id"],
            rows.map((p) => [p.created_at, p.id, p.kind, p.price_usd, p.paid_usd, p.settled_amount, p.settled_currency, p.platform_fee, p.owner_share, p.verdict, p.payout_status, p.payout_id]),
          ))}>Export CSV</Button>
          <Table.ScrollContainer minWidth={640}>
            <Table striped data-testid="payments-table">
              <Table.Thead>
                <Table.Tr><Table.Th>Date</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Price</Table.Th><Table.Th>Paid</Table.Th>
                  <Table.Th>Fee</Table.Th><Table.Th>Your share</Table.Th><Table.Th>Verdict</Table.Th><Table.Th>Payout</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>{new Date(p.created_at).toLocaleString()}</Table.Td>
                    <Table.Td>{p.kind}</Table.Td>
                    <Table.Td>${p.price_usd}</Table.Td>
                    <Table.Td>{p.settled_amount ? `${p.settled_amount} ${p.settled_currency?.toUpperCase() ?? ""}` : "—"}</Table.Td>
                    <Table.Td>{p.platform_fee ?? "—"}</Table.Td>
                    <Table.Td>{p.owner_share ?? "—"}</Table.Td>
                    <Table.Td><Badge color={p.verdict === "accepted" ? "green" : "orange"}>{p.verdict}</Badge></Table.Td>
                    <Table.Td>
                      {p.payout_id
                        ? <Anchor component={Link} to={`/channels/${id}/payouts#payout-${p.payout_id}`} size="sm">{p.payout_status}</Anchor>
                        : p.payout_status}
                      {p.hold_reason ? ` (${p.hold_reason})` : ""}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          </Stack>
        )
      }
    </QueryState>
  );
}
