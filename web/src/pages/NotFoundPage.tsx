// What a route that does not exist (or is not the caller's) shows.
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router-dom";

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={2}>Not found</Title>
      <Text>This page does not exist.</Text>
      <Anchor component={Link} to="/channels">Back to your channels</Anchor>
    </Stack>
  );
}
