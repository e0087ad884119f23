// Payments of one channel: amounts, fee, owner share, payout status.
import { Badge, Table, Text } from "@mantine/core";
import { usePayments } from "../../api/queries";
import { QueryState } from "../../components/QueryState";

export function PaymentsTab({ id }: { id: string }) {
  const payments = usePayments(id);
  return (
    <QueryState query={payments}>
      {(rows) =>
        rows.length === 0 ? <Text>No payments yet.</Text> : (
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
                    <Table.Td>{p.payout_status}{p.hold_reason ? ` (${p.hold_reason})` : ""}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </QueryState>
  );
}
