// Operator: jobs that failed fatally or ran out of retries, with retry and cancel (part of the attention queue).
import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { QueryState } from "../../components/QueryState";

export function JobsAttention() {
  const client = useQueryClient();
  const jobs = useQuery({
    queryKey: ["jobs-attention"],
    queryFn: async () => unwrap(await api.GET("/api/v1/operator/jobs/attention")).jobs,
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: number; action: "retry" | "cancel" }) => {
      const params = { params: { path: { id } } };
      return unwrap(action === "retry"
        ? await api.POST("/api/v1/operator/jobs/{id}/retry", params)
        : await api.POST("/api/v1/operator/jobs/{id}/cancel", params));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["jobs-attention"] }),
  });
  return (
    <Stack data-testid="jobs-attention">
      <Title order={3} size="h4">Jobs</Title>
      {act.isError && <Alert color="red" role="alert" data-testid="job-action-error">{act.error.message}</Alert>}
      <QueryState query={jobs}>
        {(rows) => rows.length === 0 ? <Text data-testid="jobs-empty">No job needs attention.</Text> : rows.map((job) => (
          <Card key={job.id} withBorder data-testid="job-card" data-job-id={job.id}>
            <Stack gap={4}>
              <Group justify="space-between">
                <Text fw={600} ff="monospace">{job.kind} #{job.id}</Text>
                <Badge color="red">{job.state}</Badge>
              </Group>
              {job.last_error && <Text size="sm" c="red" style={{ wordBreak: "break-word" }}>{job.last_error}</Text>}
              <Text size="xs" c="dimmed">
                {job.attempts} of {job.max_attempts} attempts · since {new Date(job.updated_at).toLocaleString()}
                {job.refs.length > 0 ? ` · ${job.refs.join(", ")}` : ""}
              </Text>
              <Group>
                <Button size="xs" onClick={() => act.mutate({ id: job.id, action: "retry" })} loading={act.isPending}>Retry</Button>
                <Button size="xs" color="red" variant="light"
                  onClick={() => { if (window.confirm(`Cancel job #${job.id} (${job.kind}) for good?`)) act.mutate({ id: job.id, action: "cancel" }); }}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </QueryState>
    </Stack>
  );
}
