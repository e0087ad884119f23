// One channel's revenue: the last 30 days against the 30 before, per settlement asset, and per day.
import { Badge, Card, Group, Stack, Text } from "@mantine/core";
import { useOverview } from "../../api/queries";
import { QueryState } from "../../components/QueryState";
import { RevenueChart } from "../../components/RevenueChart";
import { changeLabel, changeOf, usd } from "../../lib/kpi";

export function RevenueTab({ id }: { id: string }) {
  const overview = useOverview(id);
  return (
    <QueryState query={overview}>
      {(o) => {
        const change = changeOf(o.revenue_usd.usd, o.revenue_usd.previous_usd);
        return (
          <Stack>
            <Card withBorder data-testid="channel-revenue">
              <Group gap="xs" align="baseline">
                <Text fw={700} fz={22}>{usd(o.revenue_usd.usd)}</Text>
                <Text size="sm">in the last {o.period_days} days</Text>
                <Badge variant="light">{changeLabel(change)}</Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {o.revenue_usd.payments} payments · previous {o.period_days} days {usd(o.revenue_usd.previous_usd)} · {o.active_subscribers} active subscribers
              </Text>
              {o.revenue_by_asset.map((a) => (
                <Text key={a.currency} size="xs">{a.settled} {a.currency.toUpperCase()} settled · your share {a.owner_share}</Text>
              ))}
            </Card>
            <Card withBorder>
              <Text fw={600} size="sm" mb="xs">Revenue per day (USD)</Text>
              <RevenueChart days={o.revenue_per_day} />
            </Card>
          </Stack>
        );
      }}
    </QueryState>
  );
}
