// The owner's channels: readiness (and what is missing), strategy, and a way to add one.
import { Alert, Badge, Button, Card, Group, List, Progress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router-dom";
import { useBalance, useChannels } from "../api/queries";
import { QueryState } from "../components/QueryState";

export function ChannelsPage() {
  const channels = useChannels();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Channels</Title>
        {channels.data && channels.data.count < channels.data.max_channels && (
          <Button component={Link} to="/channels/new">Add channel</Button>
        )}
      </Group>
      <QueryState query={channels}>
        {(data) =>
          data.channels.length === 0 ? (
            <Alert title="No channels yet">Add your first channel to get its payment links.</Alert>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {data.channels.map((channel) => (
                <Card key={channel.id} withBorder data-testid="channel-card">
                  <Group justify="space-between" wrap="nowrap" align="start">
                    <Text fw={600} component={Link} to={`/channels/${channel.id}`}>{channel.closed_channel_title}</Text>
                    <Badge color={channel.readiness.ready ? "green" : "orange"}>
                      {channel.readiness.ready ? "ready" : "not ready"}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {channel.tiers.length} tier(s) · payout {channel.payout.currency.toUpperCase()} on{" "}
                    {channel.payout.network.toUpperCase()} · {channel.payout.strategy}
                    {channel.payout.threshold_usd ? ` at $${channel.payout.threshold_usd}` : ""}
                  </Text>
                  {channel.payout.strategy === "threshold" && <ThresholdProgress id={channel.id} />}
                  {!channel.readiness.ready && (channel.readiness.missing?.length ?? 0) > 0 && (
                    <List size="sm" mt="xs">
                      {channel.readiness.missing?.map((m) => <List.Item key={m}>{m}</List.Item>)}
                    </List>
                  )}
                </Card>
              ))}
            </SimpleGrid>
          )
        }
      </QueryState>
    </Stack>
  );
}

/** Converted USDT against the channel's threshold. */
function ThresholdProgress({ id }: { id: string }) {
  const { data } = useBalance(id);
  if (!data?.threshold_usd) return null;
  return (
    <Stack gap={2} mt="xs">
      <Text size="xs">{data.converted_usdt} USDT of ${data.threshold_usd}</Text>
      <Progress size="sm" value={Math.min(Number(data.progress_percent ?? "0"), 100)} aria-label="Progress to the threshold" />
    </Stack>
  );
}
