// A channel's actions: check readiness now, re-post the offer (with its 5-minute cooldown shown), and the offer's state.
import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { ApiFailure, unwrap } from "../../api/errors";
import type { components } from "../../api/schema";
import { cooldownLabel, retryAfterSeconds } from "../../lib/cooldown";

type Channel = components["schemas"]["ChannelView"];

/** Seconds left until `until` (ms since epoch), ticking once a second while positive. */
function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function ChannelActions({ channel }: { channel: Channel }) {
  const client = useQueryClient();
  const path = { params: { path: { id: channel.id } } };
  const [cooldownUntil, setCooldownUntil] = useState<number | null>(null);
  const secondsLeft = useSecondsLeft(cooldownUntil);
  const [notice, setNotice] = useState<string | null>(null);
  const fresh = (view: Channel) => {
    client.setQueryData(["channel", channel.id], view);
    void client.invalidateQueries({ queryKey: ["channels"] });
  };
  const check = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/channels/{id}/check", path)),
    onSuccess: (view) => {
      fresh(view);
      setNotice(view.readiness.ready ? "Checked: the channel is ready." : "Checked: the channel is not ready yet (see above).");
    },
  });
  const repost = useMutation({
    mutationFn: async () => {
      const result = await api.POST("/api/v1/channels/{id}/offer", path);
      const wait = retryAfterSeconds(result.response.status, result.response.headers.get("Retry-After"));
      if (wait !== null) setCooldownUntil(Date.now() + wait * 1000);
      return unwrap(result);
    },
    onSuccess: (view) => {
      fresh(view);
      setCooldownUntil(Date.now() + 300 * 1000); // the API's cooldown starts with this request
      setNotice("The offer post is queued; it appears in the open channel in a moment.");
    },
  });
  const error = check.error ?? repost.error;
  const cooling = secondsLeft > 0;
  return (
    <Stack gap="xs" data-testid="channel-actions">
      <Group gap="xs">
        <Button size="xs" variant="light" loading={check.isPending} onClick={() => { setNotice(null); check.mutate(); }}>Check again</Button>
        <Button size="xs" variant="light" loading={repost.isPending} disabled={cooling || !channel.readiness.ready}
          onClick={() => { setNotice(null); repost.mutate(); }} data-testid="repost-offer">
          Re-post offer
        </Button>
        {cooling && <Text size="xs" c="dimmed" data-testid="repost-cooldown">{cooldownLabel(secondsLeft)}</Text>}
      </Group>
      <Text size="xs" c="dimmed" data-testid="offer-state">
        {channel.offer.posted_at ? `Offer posted ${new Date(channel.offer.posted_at).toLocaleString()}` : "The offer has not been posted yet."}
        {channel.readiness.ready ? "" : " It can be posted once the channel is ready."}
        {channel.offer.error ? ` · last attempt failed: ${channel.offer.error}` : ""}
      </Text>
      {notice && <Alert color="blue" py={6}>{notice}</Alert>}
      {error && !(error instanceof ApiFailure && error.status === 429) && <Alert color="orange" role="alert" py={6}>{error.message}</Alert>}
    </Stack>
  );
}
