// Create an owner account (signed in right away; the verification mail is on its way).
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Button, Container, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate } from "react-router-dom";
import { ApiFailure } from "../api/errors";
import { applyApiError } from "../components/formErrors";
import { signupSchema, type SignupValues } from "../validation/account";
import { signUp } from "./auth";

const FIELDS = new Set(["username", "email", "password"]);

export function SignupPage() {
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignupValues>({
    resolver: zodResolver(signupSchema),
    mode: "onTouched",
    defaultValues: { username: "", email: "", password: "" },
  });
  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await signUp(values);
      navigate("/channels", { replace: true });
    } catch (error) {
      if (error instanceof ApiFailure && error.code === "username_taken") {
        form.setError("username", { message: error.message });
      } else if (error instanceof ApiFailure && error.code === "email_taken") {
        form.setError("email", { message: error.message });
      } else {
        setFormError(applyApiError(error, form.setError, (p) => FIELDS.has(p)));
      }
    }
  });
  const { errors } = form.formState;
  return (
    <Container size={420} py="xl">
      <Title order={1} ta="center">Paygate</Title>
      <Paper withBorder p="lg" mt="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={2} size="h3">Create your account</Title>
            {formError && <Alert color="red" role="alert">{formError}</Alert>}
            <TextInput label="Username" description="3–50 letters, digits or underscores" autoComplete="username"
              {...form.register("username")} error={errors.username?.message} />
            <TextInput label="E-mail" type="email" autoComplete="email" {...form.register("email")} error={errors.email?.message} />
            <PasswordInput label="Password" description="At least 10 characters" autoComplete="new-password"
              {...form.register("password")} error={errors.password?.message} />
            <Button type="submit" loading={form.formState.isSubmitting}>Sign up</Button>
            <Text size="sm">Have an account? <Anchor component={Link} to="/login">Log in</Anchor></Text>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
