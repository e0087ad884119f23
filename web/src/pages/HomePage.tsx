// Home: KPI cards (revenue with its change, subscribers, held balance, attention), revenue per day, recent activity.
import { Anchor, Badge, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router-dom";
import { useOverview } from "../api/queries";
import type { components } from "../api/schema";
import { TxHash } from "../components/PayoutCard";
import { QueryState } from "../components/QueryState";
import { RevenueChart } from "../components/RevenueChart";
import { useIsLive } from "../components/SandboxBanner";
import { changeLabel, changeOf, sumDecimals, usd } from "../lib/kpi";

type Overview = components["schemas"]["Overview"];

const CHANGE_COLORS = { up: "green", down: "red", flat: "gray" } as const;

function Kpi({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <Card withBorder data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      {children}
    </Card>
  );
}

function RevenueKpi({ o }: { o: Overview }) {
  const change = changeOf(o.revenue_usd.usd, o.revenue_usd.previous_usd);
  return (
    <Kpi label={`Revenue, last ${o.period_days} days`} testId="kpi-revenue">
      <Group gap="xs" align="baseline">
        <Text fz={26} fw={700} data-testid="kpi-revenue-value">{usd(o.revenue_usd.usd)}</Text>
        <Badge variant="light" color={change.kind === "percent" ? CHANGE_COLORS[change.direction] : "blue"}
          title={`previous ${o.period_days} days: ${usd(o.revenue_usd.previous_usd)}`} data-testid="kpi-revenue-change">
          {changeLabel(change)}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">{o.revenue_usd.payments} payments · previous {o.period_days} days {usd(o.revenue_usd.previous_usd)}</Text>
      {o.revenue_by_asset.map((a) => (
        <Text key={a.currency} size="xs">
          {a.settled} {a.currency.toUpperCase()}{a.network ? ` (${a.network.toUpperCase()})` : ""} settled · your share {a.owner_share}
        </Text>
      ))}
    </Kpi>
  );
}

function BalanceKpi({ o }: { o: Overview }) {
  const held = sumDecimals(o.held_balances.map((b) => b.converted_usdt)) ?? "?";
  return (
    <Kpi label="Balance held / next payout" testId="kpi-balance">
      {o.held_balances.length === 0 ? (
        <Text size="sm" mt={4}>Instant payouts: each share is paid out as it arrives.</Text>
      ) : (
        <Stack gap={4}>
          <Text fz={26} fw={700}>{held} USDT</Text>
          {o.held_balances.map((b) => (
            <div key={b.channel_id}>
              <Text size="xs">
                <Anchor component={Link} to={`/channels/${b.channel_id}/payouts`} size="xs">{b.channel_title}</Anchor>
                {" "}{b.converted_usdt}{b.threshold_usd ? ` of $${b.threshold_usd}` : " USDT"}
                {b.pending_entries > 0 ? ` · ${b.pending_entries} awaiting conversion` : ""}
              </Text>
              {b.progress_percent && <Progress size="sm" value={Number(b.progress_percent)} aria-label={`${b.channel_title}: progress to the threshold`} />}
            </div>
          ))}
          <Text size="xs" c="dimmed">Next batch pass {new Date(o.next_batch_pass_at).toLocaleString()}</Text>
        </Stack>
      )}
    </Kpi>
  );
}

function Recent({ o }: { o: Overview }) {
  const isLive = useIsLive();
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Card withBorder data-testid="recent-payments">
        <Title order={3} size="h5" mb="xs">Recent payments</Title>
        {o.recent_payments.length === 0 ? <Text size="sm">No payments yet.</Text> : (
          <Table.ScrollContainer minWidth={520}>
            <Table>
              <Table.Tbody>
                {o.recent_payments.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td><Text size="xs">{new Date(p.created_at).toLocaleString()}</Text></Table.Td>
                    <Table.Td><Anchor component={Link} to={`/channels/${p.channel_id}/payments`} size="sm">{p.channel_title}</Anchor></Table.Td>
                    <Table.Td><Text size="sm">${p.price_usd}</Text></Table.Td>
                    <Table.Td><Text size="sm">{p.owner_share ? `${p.owner_share} ${p.settled_currency?.toUpperCase() ?? ""}` : "—"}</Text></Table.Td>
                    <Table.Td><Badge size="sm" color={p.verdict === "accepted" ? "green" : "orange"} style={{ flexShrink: 0, overflow: "visible" }}>{p.verdict}</Badge></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Card withBorder data-testid="recent-payouts">
        <Title order={3} size="h5" mb="xs">Recent payouts</Title>
        {o.recent_payouts.length === 0 ? <Text size="sm">No payouts yet.</Text> : (
          <Stack gap="xs">
            {o.recent_payouts.map((p) => (
              <div key={p.id}>
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm">
                    <Anchor component={Link} to={`/channels/${p.channel_id}/payouts`} size="sm">{p.channel_title}</Anchor>
                    {" "}{p.source.amount} {p.source.currency.toUpperCase()}
                    {p.received ? ` → ${p.received.amount} ${p.received.currency.toUpperCase()}` : ""}
                    {p.purpose === "batch" ? " (batch)" : ""}
                  </Text>
                  <Badge size="sm" color={p.status === "completed" ? "green" : p.status === "cancelled" ? "gray" : p.status === "failed" || p.status === "needs_attention" ? "red" : "blue"}
                    style={{ flexShrink: 0, overflow: "visible" }}>{p.status}</Badge>
                </Group>
                {p.payout_hash && <TxHash hash={p.payout_hash} network={p.received?.network ?? p.source.network} live={isLive("wallet") && isLive("swap")} label="payout tx" />}
              </div>
            ))}
          </Stack>
        )}
      </Card>
    </SimpleGrid>
  );
}

export function HomePage() {
  const overview = useOverview();
  return (
    <Stack>
      <Title order={2}>Home</Title>
      <QueryState query={overview}>
        {(o) => (
          <Stack>
            <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
              <RevenueKpi o={o} />
              <Kpi label="Active subscribers" testId="kpi-subscribers">
                <Text fz={26} fw={700} data-testid="kpi-subscribers-count">{o.active_subscribers}</Text>
                <Text size="xs" c="dimmed">with an unexpired subscription</Text>
              </Kpi>
              <BalanceKpi o={o} />
              <Kpi label="Payouts needing attention" testId="kpi-attention">
                <Text fz={26} fw={700} c={o.payouts_needing_attention > 0 ? "red" : undefined} data-testid="kpi-attention-count">{o.payouts_needing_attention}</Text>
                <Text size="xs" c="dimmed">{o.payouts_needing_attention > 0 ? "stopped or waiting for funds; the operator is on it" : "all payouts are moving"}</Text>
              </Kpi>
            </SimpleGrid>
            <Card withBorder>
              <Title order={3} size="h5" mb="xs">Revenue per day (USD, last {o.period_days} days)</Title>
              <RevenueChart days={o.revenue_per_day} />
            </Card>
            <Recent o={o} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
