// A banner on every page while any adapter is simulated (read from /readyz).
import { Alert, Anchor } from "@mantine/core";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";

export interface Adapter { name: string; mode: "live" | "sandbox" | "disabled" }
interface Readiness {
  adapters: Adapter[];
}

/** Every adapter with its mode, from /readyz (empty until it answers). */
export function useAdapters(): Adapter[] {
  const { data } = useQuery({
    queryKey: ["readyz"],
    queryFn: async (): Promise<Readiness> => (await fetch("/readyz")).json() as Promise<Readiness>,
    staleTime: 60_000,
  });
  return data?.adapters ?? [];
}

/** Whether the adapter `name` is live (false until /readyz answers: no explorer link for an unknown mode). */
export function useIsLive(): (name: string) => boolean {
  const adapters = useAdapters();
  return (name) => adapters.some((a) => a.name === name && a.mode === "live");
}

/** Names of the adapters that are simulated, from /readyz. */
export function useSandboxed(): string[] {
  return useAdapters().filter((a) => a.mode === "sandbox").map((a) => a.name);
}

export function SandboxBanner() {
  const sandboxed = useSandboxed();
  if (sandboxed.length === 0) return null;
  return (
    <Alert color="yellow" title="Sandbox mode" mb="md" data-testid="sandbox-banner">
      Simulated: {sandboxed.join(", ")}. No real money moves; sandbox invoices are paid from their checkout page.
      {sandboxed.includes("mailer") && <> Mails to you are in the <Anchor component={Link} to="/mailbox">sandbox mailbox</Anchor>.</>}
      {sandboxed.includes("telegram") && <> Telegram is simulated on the <Anchor href="/sandbox/telegram">sandbox Telegram page</Anchor>.</>}
    </Alert>
  );
}
