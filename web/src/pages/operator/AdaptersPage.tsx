// Operator: which adapters are live and which are simulated (sandbox), from /readyz.
import { Badge, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useAdapters } from "../../components/SandboxBanner";

const COLORS = { live: "green", sandbox: "yellow", disabled: "gray" } as const;
const WHAT: Record<string, string> = {
  mailer: "e-mail (SMTP)",
  telegram: "Telegram Bot API",
  payments: "payment provider (NOWPayments)",
  swap: "exchange (ChangeNOW)",
  wallet: "host wallet (Ethereum)",
};

export function AdaptersPage() {
  const adapters = useAdapters();
  return (
    <Stack>
      <Title order={2}>Adapters</Title>
      <Text size="sm" c="dimmed">Live adapters talk to the real service; sandbox ones simulate it and move no real money.</Text>
      <Card withBorder data-testid="adapter-modes">
        <Stack gap="xs">
          {adapters.length === 0 ? <Text size="sm">Loading…</Text> : adapters.map((a) => (
            <Group key={a.name} justify="space-between" data-testid="adapter" data-adapter={a.name} data-mode={a.mode}>
              <Text>{a.name} <Text span size="sm" c="dimmed">{WHAT[a.name] ?? ""}</Text></Text>
              <Badge color={COLORS[a.mode]}>{a.mode}</Badge>
            </Group>
          ))}
        </Stack>
      </Card>
    </Stack>
  );
}
