// One payout with its destination, amounts, hashes and every step (owner and operator pages).
import { Badge, Card, Group, Stack, Text, Timeline } from "@mantine/core";

export interface Money { amount: string; currency: string; network: string }
export interface Payout {
  id: string;
  kind: string;
  status: string;
  source: Money;
  destination_address: string;
  destination_currency: string;
  destination_network: string;
  quoted?: Money | null;
  exchange_id?: string | null;
  deposit_hashes: string[];
  payout_hash?: string | null;
  failure_reason?: string | null;
  created_at: string;
  steps: { status: string; detail: string; at: string }[];
}

const money = (m: Money) => `${m.amount} ${m.currency.toUpperCase()} (${m.network.toUpperCase()})`;
const COLORS: Record<string, string> = { completed: "green", needs_attention: "red", failed: "red", cancelled: "gray", needs_funds: "orange" };

export function PayoutCard({ payout, actions }: { payout: Payout; actions?: React.ReactNode }) {
  return (
    <Card withBorder data-testid="payout-card" data-payout-id={payout.id} data-status={payout.status}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{money(payout.source)} → {payout.destination_currency.toUpperCase()} on {payout.destination_network.toUpperCase()}</Text>
          <Badge color={COLORS[payout.status] ?? "blue"}>{payout.status}</Badge>
        </Group>
        <Text size="sm" style={{ wordBreak: "break-all" }}>To {payout.destination_address} · {payout.kind}{payout.exchange_id ? ` · exchange ${payout.exchange_id}` : ""}</Text>
        {payout.quoted && <Text size="sm">Quoted: {money(payout.quoted)}</Text>}
        {payout.failure_reason && <Text size="sm" c="red">{payout.failure_reason}</Text>}
        {[...payout.deposit_hashes, ...(payout.payout_hash ? [payout.payout_hash] : [])].map((hash) => (
          <Text key={hash} size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>tx {hash}</Text>
        ))}
        <Timeline bulletSize={12} lineWidth={2} active={payout.steps.length - 1}>
          {payout.steps.map((step, i) => (
            <Timeline.Item key={`${step.at}-${i}`} title={step.status}>
              <Text size="xs" c="dimmed">{new Date(step.at).toLocaleString()} {step.detail}</Text>
            </Timeline.Item>
          ))}
        </Timeline>
        {actions}
      </Stack>
    </Card>
  );
}
