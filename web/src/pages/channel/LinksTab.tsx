// Deep links of every tier and of donations.
import { Alert, Stack, Text } from "@mantine/core";
import { useLinks } from "../../api/queries";
import { CopyLink } from "../../components/CopyLink";
import { QueryState } from "../../components/QueryState";

const days = (d: number) => (d === 36500 ? "lifetime" : `${d} days`);

export function LinksTab({ id }: { id: string }) {
  const links = useLinks(id);
  return (
    <QueryState query={links}>
      {(data) => (
        <Stack>
          {!data.bot_username && (
            <Alert color="yellow">The bot is not configured, so links show their start payload only.</Alert>
          )}
          {data.tiers.map((tier) => (
            <CopyLink key={tier.payload} label={`$${tier.price_usd} for ${days(tier.duration_days)}`} url={tier.url ?? tier.payload} />
          ))}
          {data.donation && <CopyLink label="Donations" url={data.donation.url ?? data.donation.payload} />}
          <Text size="sm" c="dimmed">Post these links anywhere; each opens the bot with the offer selected.</Text>
        </Stack>
      )}
    </QueryState>
  );
}
