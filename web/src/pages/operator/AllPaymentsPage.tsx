// Operator: every payment of the platform with its owner and channel, newest first, paged.
import { Badge, Stack, Table, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Pager } from "../../components/Pager";
import { QueryState } from "../../components/QueryState";

const LIMIT = 50;

export function AllPaymentsPage() {
  const [offset, setOffset] = useState(0);
  const payments = useQuery({
    queryKey: ["operator-payments", offset],
    queryFn: async () => unwrap(await api.GET("/api/v1/operator/payments", { params: { query: { limit: LIMIT, offset } } })).payments,
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Title order={2}>All payments</Title>
      <QueryState query={payments}>
        {(rows) => (
          <Stack>
            {rows.length === 0 ? <Text data-testid="operator-payments-empty">No payments yet.</Text> : (
              <Table.ScrollContainer minWidth={760}>
                <Table striped data-testid="operator-payments">
                  <Table.Thead>
                    <Table.Tr><Table.Th>Date</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Channel</Table.Th><Table.Th>Price</Table.Th>
                      <Table.Th>Settled</Table.Th><Table.Th>Fee</Table.Th><Table.Th>Owner share</Table.Th><Table.Th>Verdict</Table.Th><Table.Th>Payout</Table.Th></Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>{new Date(p.created_at).toLocaleString()}</Table.Td>
                        <Table.Td>{p.owner_username}</Table.Td>
                        <Table.Td>{p.channel_title}</Table.Td>
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
            )}
            <Pager offset={offset} limit={LIMIT} count={rows.length} onChange={setOffset} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
