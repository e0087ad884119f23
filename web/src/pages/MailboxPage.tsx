// The sandbox mailbox: mails kept for the signed-in account when no SMTP server is configured.
import { Alert, Anchor, Card, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { ApiFailure, unwrap } from "../api/errors";
import { QueryState } from "../components/QueryState";

/** The body as text with its http(s) links clickable. */
export function linkify(body: string): React.ReactNode[] {
  return body.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? <Anchor key={i} href={part} style={{ wordBreak: "break-all" }}>{part}</Anchor> : part,
  );
}

export function MailboxPage() {
  const mails = useQuery({
    queryKey: ["sandbox-mails"],
    queryFn: async () => unwrap(await api.GET("/api/v1/account/sandbox-mails")).mails,
    // Mails are sent by background jobs: look again while the box is empty.
    refetchInterval: (query) => (query.state.data?.length ? false : 2000),
    retry: (count, error) => !(error instanceof ApiFailure && error.status === 404) && count < 1,
  });
  if (mails.error instanceof ApiFailure && mails.error.status === 404) {
    return <Alert title="No sandbox mailbox">Mail is sent through SMTP: look in your real inbox.</Alert>;
  }
  return (
    <Stack>
      <Title order={2}>Mailbox (sandbox)</Title>
      <Text size="sm" c="dimmed">Without SMTP, Paygate keeps the mails it sends you here.</Text>
      <QueryState query={mails}>
        {(list) => list.length === 0 ? <Text>No mail yet.</Text> : list.map((mail) => (
          <Card key={mail.id} withBorder data-testid="sandbox-mail">
            <Text fw={600}>{mail.subject}</Text>
            <Text size="xs" c="dimmed">{new Date(mail.created_at).toLocaleString()}</Text>
            <Text size="sm" mt="xs" style={{ whiteSpace: "pre-wrap" }}>{linkify(mail.body)}</Text>
          </Card>
        ))}
      </QueryState>
    </Stack>
  );
}
