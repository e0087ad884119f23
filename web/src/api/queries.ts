// TanStack Query hooks over the typed client, one per read endpoint the pages use.
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";

export const useCurrencies = () =>
  useQuery({
    queryKey: ["currencies"],
    queryFn: async () => unwrap(await api.GET("/api/v1/currencies")).currencies,
    staleTime: 10 * 60_000,
  });

export const useChannels = () =>
  useQuery({ queryKey: ["channels"], queryFn: async () => unwrap(await api.GET("/api/v1/channels")) });

const path = (id: string) => ({ params: { path: { id } } });

export const useChannel = (id: string) =>
  useQuery({ queryKey: ["channel", id], queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}", path(id))) });

export const useLinks = (id: string) =>
  useQuery({ queryKey: ["links", id], queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}/links", path(id))) });

export const usePayments = (id: string) =>
  useQuery({
    queryKey: ["payments", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}/payments", path(id))).payments,
  });

export const usePayouts = (id: string) =>
  useQuery({
    queryKey: ["payouts", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}/payouts", path(id))).payouts,
  });

export const useBalance = (id: string) =>
  useQuery({ queryKey: ["balance", id], queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}/balance", path(id))) });

export const useSubscriptions = (id: string) =>
  useQuery({
    queryKey: ["subscriptions", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}/subscriptions", path(id))).subscriptions,
  });

/** The home page numbers: all the caller's channels, or one channel. */
export const useOverview = (channelId?: string) =>
  useQuery({
    queryKey: ["overview", channelId ?? "all"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/overview", { params: { query: channelId ? { channel_id: channelId } : {} } })),
  });

export const useTelegramLink = () =>
  useQuery({
    queryKey: ["telegram-link"],
    queryFn: async () => unwrap(await api.GET("/api/v1/account/telegram")),
    refetchInterval: 15_000,
  });
