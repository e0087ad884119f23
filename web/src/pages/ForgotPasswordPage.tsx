// Ask for a password-reset mail (the answer is the same whether or not the account exists).
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Button, Container, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router-dom";
import { z } from "zod";
import { api } from "../api/client";
import { ensureOk } from "../api/errors";
import { applyApiError } from "../components/formErrors";

const schema = z.object({ login: z.string().trim().min(1, "enter your username or e-mail") });
type Values = z.infer<typeof schema>;

export function ForgotPasswordPage() {
  const [notice, setNotice] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { login: "" } });
  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      ensureOk(await api.POST("/api/v1/auth/forgot-password", { body: values }));
      setNotice("If that account exists, a reset link is on its way to its e-mail address.");
    } catch (error) {
      setFormError(applyApiError(error, form.setError, (p) => p === "login"));
    }
  });
  return (
    <Container size={420} py="xl">
      <Title order={1} ta="center">Paygate</Title>
      <Paper withBorder p="lg" mt="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={2} size="h3">Reset your password</Title>
            {notice && <Alert color="green" data-testid="forgot-sent">{notice}</Alert>}
            {formError && <Alert color="red" role="alert">{formError}</Alert>}
            <TextInput label="Username or e-mail" autoComplete="username" {...form.register("login")}
              error={form.formState.errors.login?.message} />
            <Button type="submit" loading={form.formState.isSubmitting}>Send the reset link</Button>
            <Text size="sm"><Anchor component={Link} to="/login">Back to log in</Anchor></Text>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
