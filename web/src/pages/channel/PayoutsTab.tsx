// Payouts of one channel with every step, and the threshold balance.
import { Stack, Text } from "@mantine/core";
import { useBalance, usePayouts } from "../../api/queries";
import { PayoutCard } from "../../components/PayoutCard";
import { QueryState } from "../../components/QueryState";
import { BalanceCard } from "./BalanceCard";

export function PayoutsTab({ id }: { id: string }) {
  const payouts = usePayouts(id);
  const balance = useBalance(id);
  return (
    <Stack>
      <QueryState query={balance}>{(b) => <BalanceCard id={id} balance={b} />}</QueryState>
      <QueryState query={payouts}>
        {(rows) => rows.length === 0 ? <Text>No payouts yet.</Text> : rows.map((p) => <PayoutCard key={p.id} payout={p} />)}
      </QueryState>
    </Stack>
  );
}
