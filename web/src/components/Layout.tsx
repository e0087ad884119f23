// The signed-in frame: header with a menu button on phones, navigation, sandbox banner, page outlet.
import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Link, Outlet, useLocation, useNavigate } from "react-router-dom";
import { useSession } from "../api/session";
import { logOut } from "../pages/auth";
import { SandboxBanner, useSandboxed } from "./SandboxBanner";

const OWNER_LINKS = [
  { to: "/", label: "Home" },
  { to: "/channels", label: "Channels" },
  { to: "/account", label: "Account" },
];
const OPERATOR_LINKS = [
  { to: "/operator/attention", label: "Needs attention" },
  { to: "/operator/payments", label: "All payments" },
  { to: "/operator/payouts", label: "All payouts" },
  { to: "/operator/wallet", label: "Host wallet" },
  { to: "/operator/conservation", label: "Conservation" },
  { to: "/operator/adapters", label: "Adapters" },
];

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { user } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const mailbox = useSandboxed().includes("mailer") ? [{ to: "/mailbox", label: "Mailbox (sandbox)" }] : [];
  const links = [...OWNER_LINKS, ...mailbox, ...(user?.role === "operator" ? OPERATOR_LINKS : [])];
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={3}>Paygate</Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-testid="signed-in-as">{user?.username}</Text>
            <Button variant="default" size="xs" onClick={() => void logOut().then(() => navigate("/login"))}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <Stack gap={2}>
          {links.map((link) => (
            <NavLink
              key={link.to}
              component={Link}
              to={link.to}
              label={link.label}
              active={link.to === "/" ? location.pathname === "/" : location.pathname.startsWith(link.to)}
              onClick={close}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <SandboxBanner />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
