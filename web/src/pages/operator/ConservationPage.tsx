// Operator: the money conservation check (every owner share held, in flight, accumulated or paid out).
import { Alert, Stack, Table, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { QueryState } from "../../components/QueryState";

export function ConservationPage() {
  const check = useQuery({ queryKey: ["conservation"], queryFn: async () => unwrap(await api.GET("/api/v1/operator/conservation")) });
  return (
    <Stack>
      <Title order={2}>Conservation</Title>
      <QueryState query={check}>
        {(c) => (
          <Stack>
            <Alert color={c.holds ? "green" : "red"} data-testid="conservation-result">
              {c.holds ? "Conservation holds." : `${c.violations.length} violation(s).`}
            </Alert>
            {c.violations.map((v) => <Alert key={`${v.id}-${v.rule}`} color="red">{v.rule}: {v.id}</Alert>)}
            <Table.ScrollContainer minWidth={700}>
              <Table striped>
                <Table.Thead><Table.Tr><Table.Th>Owner</Table.Th><Table.Th>Currency</Table.Th><Table.Th>Shares</Table.Th><Table.Th>Held</Table.Th>
                  <Table.Th>In flight</Table.Th><Table.Th>Accumulated</Table.Th><Table.Th>Paid out</Table.Th><Table.Th>Unaccounted</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {c.lines.map((l) => (
                    <Table.Tr key={`${l.owner_id}-${l.currency}`}><Table.Td>{l.owner_id.slice(0, 8)}</Table.Td><Table.Td>{l.currency}</Table.Td>
                      <Table.Td>{l.owner_shares}</Table.Td><Table.Td>{l.held}</Table.Td><Table.Td>{l.in_flight}</Table.Td>
                      <Table.Td>{l.accumulated}</Table.Td><Table.Td>{l.paid_out}</Table.Td><Table.Td>{l.unaccounted}</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
