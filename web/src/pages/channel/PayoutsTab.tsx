// Payouts of one channel with every step, and the threshold balance.
import { Button, Stack, Text } from "@mantine/core";
import { useEffect } from "react";
import { useLocation } from "react-router-dom";
import { download, toCsv } from "../../components/csv";
import { useBalance, usePayouts } from "../../api/queries";
import { PayoutCard } from "../../components/PayoutCard";
import { QueryState } from "../../components/QueryState";
import { BalanceCard } from "./BalanceCard";

export function PayoutsTab({ id }: { id: string }) {
  const payouts = usePayouts(id);
  const balance = useBalance(id);
  // A payment's payout link (#payout-<id>) scrolls to that payout once the list is there.
  const { hash } = useLocation();
  const loaded = payouts.isSuccess;
  useEffect(() => {
    if (loaded && hash.startsWith("#payout-")) document.getElementById(hash.slice(1))?.scrollIntoView({ block: "start" });
  }, [loaded, hash]);
  return (
    <Stack>
      <QueryState query={balance}>{(b) => <BalanceCard id={id} balance={b} />}</QueryState>
      <QueryState query={payouts}>
        {(rows) => rows.length === 0 ? <Text>No payouts yet.</Text> : (
          <Stack>
            <Button size="xs" variant="default" w="fit-content" onClick={() => download(`payouts-${id}.csv`, toCsv(
              ["created_at", "id", "kind", "status", "amount", "currency", "network", "destination_address", "destination_currency", "destination_network", "exchange_id", "deposit_hashes", "payout_hash", "failure_reason", "completed_at"],
              rows.map((p) => [p.created_at, p.id, p.kind, p.status, p.source.amount, p.source.currency, p.source.network, p.destination_address, p.destination_currency, p.destination_network, p.exchange_id, p.deposit_hashes.join(" "), p.payout_hash, p.failure_reason, p.completed_at]),
            ))}>Export CSV</Button>
            {rows.map((p) => <PayoutCard key={p.id} payout={p} />)}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
