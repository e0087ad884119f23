// Linking the owner's Telegram account: a one-time code to send to the bot as /link CODE.
import { Alert, Badge, Button, Card, Code, CopyButton, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { useTelegramLink } from "../../api/queries";

function LinkStatus() {
  const status = useTelegramLink();
  if (!status.data) return null;
  if (!status.data.linked) {
    return <Badge color="gray" variant="light" data-testid="telegram-status">Not linked</Badge>;
  }
  return (
    <Group gap="xs" data-testid="telegram-status">
      <Badge color="green" variant="light">Linked</Badge>
      <Text size="sm">Telegram user {status.data.telegram_user_id}</Text>
      {status.data.notifications_blocked && (
        <Badge color="orange" variant="light">The bot is blocked: notifications are not delivered</Badge>
      )}
    </Group>
  );
}

export function TelegramLinkCard() {
  const code = useMutation({ mutationFn: async () => unwrap(await api.POST("/api/v1/account/telegram-link")) });
  const command = code.data ? `/link ${code.data.code}` : "";
  return (
    <Card withBorder data-testid="telegram-link">
      <Stack gap="xs">
        <Title order={3} size="h4">Telegram</Title>
        <LinkStatus />
        <Text size="sm">Link your Telegram account to receive owner notifications and to prove you control your channels.</Text>
        {code.data && (
          <Stack gap={4}>
            <Text size="sm">Send this to the bot before {new Date(code.data.expires_at).toLocaleTimeString()}:</Text>
            <Group gap="xs">
              <Code fz="md" data-testid="link-command">{command}</Code>
              <CopyButton value={command}>
                {({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">{code.data.instructions}</Text>
          </Stack>
        )}
        {code.isError && <Alert color="red" role="alert">{code.error.message}</Alert>}
        <Button size="xs" variant="light" w="fit-content" loading={code.isPending} onClick={() => code.mutate()}>
          {code.data ? "Get a new code" : "Get a link code"}
        </Button>
      </Stack>
    </Card>
  );
}
