// Subscribers of one channel with status, expiry and removal errors.
import { Badge, Table, Text } from "@mantine/core";
import { useSubscriptions } from "../../api/queries";
import { QueryState } from "../../components/QueryState";

export function SubscribersTab({ id }: { id: string }) {
  const subs = useSubscriptions(id);
  return (
    <QueryState query={subs}>
      {(rows) => rows.length === 0 ? <Text>No subscribers yet.</Text> : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>Subscriber</Table.Th><Table.Th>Tier</Table.Th><Table.Th>Status</Table.Th><Table.Th>Expires</Table.Th><Table.Th>Removal</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.username ? `@${s.username}` : s.telegram_user_id}</Table.Td>
                  <Table.Td>{s.tier}</Table.Td>
                  <Table.Td><Badge color={s.status === "active" ? "green" : "gray"}>{s.status}</Badge></Table.Td>
                  <Table.Td>{new Date(s.expires_at).toLocaleDateString()}</Table.Td>
                  <Table.Td>{s.removal_error ?? ""}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </QueryState>
  );
}
