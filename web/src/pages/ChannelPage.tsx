// One channel: readiness and actions, then links, payments, payouts, subscribers and revenue in tabs (the tab is in the URL).
import { Alert, Badge, Button, Group, List, Stack, Tabs, Text, Title } from "@mantine/core";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useChannel } from "../api/queries";
import { QueryState } from "../components/QueryState";
import { ChannelActions } from "./channel/ChannelActions";
import { LinksTab } from "./channel/LinksTab";
import { PaymentsTab } from "./channel/PaymentsTab";
import { PayoutsTab } from "./channel/PayoutsTab";
import { RevenueTab } from "./channel/RevenueTab";
import { SubscribersTab } from "./channel/SubscribersTab";

const TABS = ["links", "payments", "payouts", "subscribers", "revenue"] as const;

export function ChannelPage() {
  const { id = "", tab } = useParams();
  const navigate = useNavigate();
  const channel = useChannel(id);
  const active = TABS.find((t) => t === tab) ?? "links";
  return (
    <QueryState query={channel}>
      {(c) => (
        <Stack>
          <Group justify="space-between">
            <Title order={2}>{c.closed_channel_title}</Title>
            <Group gap="xs">
              <Badge color={c.readiness.ready ? "green" : "orange"}>{c.readiness.ready ? "ready" : "not ready"}</Badge>
              <Button variant="default" size="xs" component={Link} to={`/channels/${id}/edit`}>Edit</Button>
            </Group>
          </Group>
          {!c.readiness.ready && (
            <Alert color="orange" title="Not selling yet">
              <List size="sm">{(c.readiness.missing ?? []).map((m) => <List.Item key={m}>{m}</List.Item>)}</List>
            </Alert>
          )}
          <ChannelActions channel={c} />
          <Text size="sm" c="dimmed">Open {c.open_channel_id} · closed {c.closed_channel_id} · {c.payout.strategy} payout in {c.payout.currency.toUpperCase()}</Text>
          <Tabs value={active} onChange={(t) => navigate(`/channels/${id}/${t ?? "links"}`)} keepMounted={false}>
            <Tabs.List>
              {TABS.map((t) => <Tabs.Tab key={t} value={t}>{t[0]?.toUpperCase() + t.slice(1)}</Tabs.Tab>)}
            </Tabs.List>
            <Tabs.Panel value="links" pt="md"><LinksTab id={id} /></Tabs.Panel>
            <Tabs.Panel value="payments" pt="md"><PaymentsTab id={id} /></Tabs.Panel>
            <Tabs.Panel value="payouts" pt="md"><PayoutsTab id={id} /></Tabs.Panel>
            <Tabs.Panel value="subscribers" pt="md"><SubscribersTab id={id} /></Tabs.Panel>
            <Tabs.Panel value="revenue" pt="md"><RevenueTab id={id} /></Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </QueryState>
  );
}
