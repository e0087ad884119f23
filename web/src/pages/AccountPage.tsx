// The account: profile, e-mail verification state, change password, own audit log.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Badge, Button, Card, Group, PasswordInput, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api } from "../api/client";
import { ensureOk, unwrap } from "../api/errors";
import { useSession } from "../api/session";
import { applyApiError } from "../components/formErrors";
import { QueryState } from "../components/QueryState";
import { passwordSchema } from "../validation/account";
import { TelegramLinkCard } from "./account/TelegramLinkCard";

const changeSchema = z.object({ current_password: z.string().min(1, "is required"), new_password: passwordSchema });
type ChangeValues = z.infer<typeof changeSchema>;

export function AccountPage() {
  const { user: signedIn } = useSession();
  // Fresh from the server: the e-mail may have been confirmed on another page since sign-in.
  const me = useQuery({ queryKey: ["me"], queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")) });
  const user = me.data ?? signedIn;
  const audit = useQuery({ queryKey: ["audit"], queryFn: async () => unwrap(await api.GET("/api/v1/audit", { params: { query: {} } })).entries });
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm<ChangeValues>({ resolver: zodResolver(changeSchema), defaultValues: { current_password: "", new_password: "" } });
  const submit = form.handleSubmit(async (values) => {
    try {
      ensureOk(await api.POST("/api/v1/auth/change-password", { body: values }));
      form.reset();
      setNotice("Password changed. Your other sessions were ended.");
    } catch (error) {
      setNotice(applyApiError(error, form.setError, (p) => p in values));
    }
  });
  return (
    <Stack>
      <Title order={2}>Account</Title>
      <Card withBorder>
        <Group gap="xs"><Text fw={600}>{user?.username}</Text><Badge>{user?.role}</Badge></Group>
        <Group gap="xs"><Text size="sm">{user?.email}</Text>
          <Badge color={user?.email_verified ? "green" : "orange"} data-testid="email-status">{user?.email_verified ? "verified" : "not verified"}</Badge></Group>
        {!user?.email_verified && (
          <Button mt="sm" size="xs" variant="light" w="fit-content"
            onClick={() => void api.POST("/api/v1/auth/resend-verification").then(() => setNotice("Verification mail sent."))}>
            Send the verification mail again
          </Button>
        )}
        {!user?.email_verified && (
          <Text size="sm" mt="xs">Without SMTP, the mail is in the <Anchor component={Link} to="/mailbox">sandbox mailbox</Anchor>.</Text>
        )}
      </Card>
      <Card withBorder>
        <form onSubmit={submit} noValidate>
          <Stack gap="xs" maw={420}>
            <Title order={3} size="h4">Change password</Title>
            {notice && <Alert>{notice}</Alert>}
            <PasswordInput label="Current password" autoComplete="current-password" {...form.register("current_password")} error={form.formState.errors.current_password?.message} />
            <PasswordInput label="New password" autoComplete="new-password" {...form.register("new_password")} error={form.formState.errors.new_password?.message} />
            <Button type="submit" w="fit-content" loading={form.formState.isSubmitting}>Change password</Button>
          </Stack>
        </form>
      </Card>
      <TelegramLinkCard />
      <Title order={3} size="h4">Activity</Title>
      <QueryState query={audit}>
        {(entries) => (
          <Table.ScrollContainer minWidth={400}>
            <Table striped>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id}><Table.Td>{new Date(e.created_at).toLocaleString()}</Table.Td><Table.Td>{e.action}</Table.Td><Table.Td>{e.ip ?? ""}</Table.Td></Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Stack>
  );
}
