// A banner on every page while any adapter is simulated (read from /readyz).
import { Alert } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";

interface Readiness {
  adapters: { name: string; mode: "live" | "sandbox" | "disabled" }[];
}

export function SandboxBanner() {
  const { data } = useQuery({
    queryKey: ["readyz"],
    queryFn: async (): Promise<Readiness> => (await fetch("/readyz")).json() as Promise<Readiness>,
    staleTime: 60_000,
  });
  const sandboxed = data?.adapters.filter((a) => a.mode === "sandbox").map((a) => a.name) ?? [];
  if (sandboxed.length === 0) return null;
  return (
    <Alert color="yellow" title="Sandbox mode" mb="md" data-testid="sandbox-banner">
      Simulated: {sandboxed.join(", ")}. No real money moves; sandbox invoices are paid from their checkout page.
    </Alert>
  );
}
