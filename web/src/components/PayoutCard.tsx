// One payout with its destination, amounts, hashes and every step (owner and operator pages).
import { Anchor, Badge, Card, Group, Stack, Text, Timeline } from "@mantine/core";
import { explorerTxUrl } from "../lib/explorer";
import { useIsLive } from "./SandboxBanner";

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
  /** A batch's entries: the payments it pays. */
  entries?: { id: string; payment_id: string; status: string; source: Money; usdt?: string | null }[];
}

const money = (m: Money) => `${m.amount} ${m.currency.toUpperCase()} (${m.network.toUpperCase()})`;
const COLORS: Record<string, string> = { completed: "green", needs_attention: "red", failed: "red", cancelled: "gray", needs_funds: "orange" };

/** A transaction hash, linked to its block explorer when the chain is real. */
export function TxHash({ hash, network, live, label = "tx" }: { hash: string; network: string; live: boolean; label?: string }) {
  const url = explorerTxUrl(hash, network, live);
  return (
    <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="tx-hash">
      {label}{" "}
      {url ? <Anchor href={url} target="_blank" rel="noopener noreferrer" size="xs" ff="monospace">{hash}</Anchor> : hash}
      {!live && " (sandbox)"}
    </Text>
  );
}

export function PayoutCard({ payout, actions }: { payout: Payout; actions?: React.ReactNode }) {
  const isLive = useIsLive();
  // Deposits leave the host wallet; a direct payout's hash is a wallet transfer, a swap's is the exchange's.
  const walletLive = isLive("wallet");
  const payoutLive = payout.kind === "swap" ? isLive("swap") : walletLive;
  return (
    <Card withBorder id={`payout-${payout.id}`} data-testid="payout-card" data-payout-id={payout.id} data-status={payout.status}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{money(payout.source)} → {payout.destination_currency.toUpperCase()} on {payout.destination_network.toUpperCase()}</Text>
          <Badge color={COLORS[payout.status] ?? "blue"}>{payout.status}</Badge>
        </Group>
        <Text size="sm" style={{ wordBreak: "break-all" }}>To {payout.destination_address} · {payout.kind}{payout.exchange_id ? ` · exchange ${payout.exchange_id}` : ""}</Text>
        {payout.quoted && <Text size="sm">Quoted: {money(payout.quoted)}</Text>}
        {payout.entries && payout.entries.length > 0 && (
          <Text size="sm" data-testid="batch-entries">
            Pays {payout.entries.length} payment{payout.entries.length === 1 ? "" : "s"}:{" "}
            {payout.entries.map((e) => `${e.source.amount} ${e.source.currency.toUpperCase()}${e.usdt ? ` (${e.usdt} USDT)` : ""} ${e.status}`).join(" · ")}
          </Text>
        )}
        {payout.failure_reason && <Text size="sm" c="red">{payout.failure_reason}</Text>}
        {payout.deposit_hashes.filter((hash) => hash !== payout.payout_hash).map((hash) => (
          <TxHash key={hash} hash={hash} network={payout.source.network} live={walletLive} label="deposit tx" />
        ))}
        {payout.payout_hash && (
          <TxHash hash={payout.payout_hash} network={payout.destination_network} live={payoutLive} label="payout tx" />
        )}
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
