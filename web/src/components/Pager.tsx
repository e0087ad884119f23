// Previous/next paging over limit/offset pages; "next" only while a page comes back full.
import { Button, Group, Text } from "@mantine/core";

export function Pager({ offset, limit, count, onChange }: { offset: number; limit: number; count: number; onChange: (offset: number) => void }) {
  return (
    <Group gap="xs">
      <Button size="xs" variant="default" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>Newer</Button>
      <Text size="sm" c="dimmed">{count === 0 ? "none" : `${offset + 1}–${offset + count}`}</Text>
      <Button size="xs" variant="default" disabled={count < limit} onClick={() => onChange(offset + limit)}>Older</Button>
    </Group>
  );
}
