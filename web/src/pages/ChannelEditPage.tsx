// Add a channel, or edit one (PATCH with the whole body).
import { Loader, Stack, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router-dom";
import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { useChannel, useCurrencies } from "../api/queries";
import type { components } from "../api/schema";
import { ChannelForm } from "../components/ChannelForm";
import { QueryState } from "../components/QueryState";
import { emptyChannel, toChannelBody, type ChannelFormValues } from "../validation/channel";

export function ChannelNewPage() {
  const currencies = useCurrencies();
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <Stack>
      <Title order={2}>Add a channel</Title>
      <QueryState query={currencies}>
        {(list) => (
          <ChannelForm currencies={list} defaults={emptyChannel} submitLabel="Create channel" onSubmit={async (values) => {
            const channel = unwrap(await api.POST("/api/v1/channels", { body: toChannelBody(values) }));
            await client.invalidateQueries({ queryKey: ["channels"] });
            navigate(`/channels/${channel.id}/links`);
          }} />
        )}
      </QueryState>
    </Stack>
  );
}

export function ChannelEditPage() {
  const { id = "" } = useParams();
  const currencies = useCurrencies();
  const channel = useChannel(id);
  const navigate = useNavigate();
  const client = useQueryClient();
  if (channel.isError) return <QueryState query={channel}>{() => null}</QueryState>;
  if (!currencies.data || !channel.data) return <QueryState query={currencies}>{() => <Loader size="sm" />}</QueryState>;
  return (
    <Stack>
      <Title order={2}>Edit {channel.data.closed_channel_title}</Title>
      <ChannelForm currencies={currencies.data} defaults={toFormValues(channel.data)} submitLabel="Save" onSubmit={async (values) => {
        unwrap(await api.PATCH("/api/v1/channels/{id}", { params: { path: { id } }, body: toChannelBody(values) }));
        await client.invalidateQueries();
        navigate(`/channels/${id}`);
      }} />
    </Stack>
  );
}

function toFormValues(c: components["schemas"]["ChannelView"]): ChannelFormValues {
  return {
    open_channel_id: String(c.open_channel_id),
    open_channel_title: c.open_channel_title,
    open_channel_description: c.open_channel_description,
    closed_channel_id: String(c.closed_channel_id),
    closed_channel_title: c.closed_channel_title,
    closed_channel_description: c.closed_channel_description,
    tiers: c.tiers.map((t) => ({ price_usd: t.price_usd, duration_days: String(t.duration_days) })),
    payout: {
      wallet_address: c.payout.wallet_address,
      currency: c.payout.currency,
      network: c.payout.network,
      extra_id: c.payout.extra_id ?? "",
      strategy: c.payout.strategy === "threshold" ? "threshold" : "instant",
      threshold_usd: c.payout.threshold_usd ?? "",
    },
    donations: { enabled: c.donations.enabled, message: c.donations.message ?? "" },
    notifications: {
      enabled: c.notifications.enabled,
      telegram_user_id: c.notifications.telegram_user_id == null ? "" : String(c.notifications.telegram_user_id),
    },
  };
}
