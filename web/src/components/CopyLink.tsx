// A deep link with a copy button and its QR code.
import { Button, CopyButton, Group, Image, Paper, Stack, Text } from "@mantine/core";
import QRCode from "qrcode";
import { useEffect, useState } from "react";

export function CopyLink({ label, url }: { label: string; url: string }) {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(url, { margin: 1, width: 160 }).then((data) => live && setQr(data));
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <Paper withBorder p="sm" data-testid="offer-link">
      <Group align="start" wrap="wrap">
        {qr && <Image src={qr} alt={`QR code for ${label}`} w={120} h={120} />}
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Text fw={600}>{label}</Text>
          <Text size="sm" style={{ wordBreak: "break-all" }}>{url}</Text>
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy} w="fit-content">{copied ? "Copied" : "Copy link"}</Button>
            )}
          </CopyButton>
        </Stack>
      </Group>
    </Paper>
  );
}
