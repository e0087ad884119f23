// Log in with username or e-mail.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Button, Container, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { useSession } from "../api/session";
import { applyApiError } from "../components/formErrors";
import { loginSchema, type LoginValues } from "../validation/account";
import { logIn } from "./auth";

export function LoginPage() {
  const { endedReason } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? "/";
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<LoginValues>({ resolver: zodResolver(loginSchema), defaultValues: { login: "", password: "" } });
  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await logIn(values);
      navigate(from, { replace: true });
    } catch (error) {
      setFormError(applyApiError(error, form.setError, () => false));
    }
  });
  return (
    <Container size={420} py="xl">
      <Title order={1} ta="center">Paygate</Title>
      <Paper withBorder p="lg" mt="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={2} size="h3">Log in</Title>
            {endedReason && <Alert color="orange" data-testid="session-ended">{endedReason}</Alert>}
            {formError && <Alert color="red" role="alert">{formError}</Alert>}
            <TextInput label="Username or e-mail" autoComplete="username" {...form.register("login")}
              error={form.formState.errors.login?.message} />
            <PasswordInput label="Password" autoComplete="current-password" {...form.register("password")}
              error={form.formState.errors.password?.message} />
            <Button type="submit" loading={form.formState.isSubmitting}>Log in</Button>
            <Text size="sm">No account yet? <Anchor component={Link} to="/signup">Sign up</Anchor></Text>
            <Text size="sm"><Anchor component={Link} to="/forgot-password">Forgot your password?</Anchor></Text>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
