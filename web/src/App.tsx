// Routes: public auth pages, the owner's channels and account, and the operator area.
import { Center, Loader } from "@mantine/core";
import { useEffect, useState } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { refreshSession } from "./api/client";
import { useSession } from "./api/session";
import { Layout } from "./components/Layout";
import { AccountPage } from "./pages/AccountPage";
import { ChannelEditPage, ChannelNewPage } from "./pages/ChannelEditPage";
import { ChannelPage } from "./pages/ChannelPage";
import { ChannelsPage } from "./pages/ChannelsPage";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { HomePage } from "./pages/HomePage";
import { LoginPage } from "./pages/LoginPage";
import { MailboxPage } from "./pages/MailboxPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SignupPage } from "./pages/SignupPage";
import { AdaptersPage } from "./pages/operator/AdaptersPage";
import { AllPaymentsPage } from "./pages/operator/AllPaymentsPage";
import { AllPayoutsPage } from "./pages/operator/AllPayoutsPage";
import { AttentionPage } from "./pages/operator/AttentionPage";
import { ConservationPage } from "./pages/operator/ConservationPage";
import { WalletPage } from "./pages/operator/WalletPage";

/** Restores a session from the refresh cookie once, before the first render of a page. */
function useRestoredSession(): boolean {
  const [done, setDone] = useState(false);
  useEffect(() => {
    void refreshSession().finally(() => setDone(true));
  }, []);
  return done;
}

function RequireUser({ children, operator = false }: { children: React.ReactNode; operator?: boolean }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (operator && user.role !== "operator") return <NotFoundPage />;
  return <>{children}</>;
}

export function App() {
  const restored = useRestoredSession();
  if (!restored) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignupPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route element={<RequireUser><Layout /></RequireUser>}>
        <Route index element={<HomePage />} />
        <Route path="/channels" element={<ChannelsPage />} />
        <Route path="/channels/new" element={<ChannelNewPage />} />
        <Route path="/channels/:id/edit" element={<ChannelEditPage />} />
        <Route path="/channels/:id/:tab?" element={<ChannelPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/mailbox" element={<MailboxPage />} />
        <Route path="/operator/attention" element={<RequireUser operator><AttentionPage /></RequireUser>} />
        <Route path="/operator/wallet" element={<RequireUser operator><WalletPage /></RequireUser>} />
        <Route path="/operator/conservation" element={<RequireUser operator><ConservationPage /></RequireUser>} />
        <Route path="/operator/payments" element={<RequireUser operator><AllPaymentsPage /></RequireUser>} />
        <Route path="/operator/payouts" element={<RequireUser operator><AllPayoutsPage /></RequireUser>} />
        <Route path="/operator/adapters" element={<RequireUser operator><AdaptersPage /></RequireUser>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
