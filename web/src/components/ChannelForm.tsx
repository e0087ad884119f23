// The add/edit channel form: every §3.2 rule checked as you type, server errors on their fields.
import { zodResolver } from "@hookform/resolvers/zod";
import {
  Alert, Button, Fieldset, Group, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Textarea,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { Controller, useFieldArray, useForm, useWatch } from "react-hook-form";
import { channelSchema, type ChannelFormValues, type Currency } from "../validation/channel";
import { applyApiError } from "./formErrors";

interface Props {
  currencies: Currency[];
  defaults: ChannelFormValues;
  submitLabel: string;
  onSubmit: (values: ChannelFormValues) => Promise<void>;
}

const FORM_PATHS = /^(open_channel_(id|title|description)|closed_channel_(id|title|description)|tiers(\.\d+\.(price_usd|duration_days))?|payout\.\w+|donations\.\w+|notifications\.\w+)$/;

export function ChannelForm({ currencies, defaults, submitLabel, onSubmit }: Props) {
  const rules = useMemo(() => ({ currencies, minPriceUsd: "1.00" }), [currencies]);
  const form = useForm<ChannelFormValues>({
    resolver: zodResolver(channelSchema(rules)),
    mode: "onTouched",
    defaultValues: defaults,
  });
  const { register, control, formState: { errors, isSubmitting } } = form;
  const tiers = useFieldArray({ control, name: "tiers" });
  const [formError, setFormError] = useState<string | null>(null);
  const [network, currency, strategy, extraId, donations, notifications] = useWatch({
    control,
    name: ["payout.network", "payout.currency", "payout.strategy", "payout.extra_id", "donations.enabled", "notifications.enabled"],
  });
  const pair = currencies.find((c) => c.network === network && c.currency === currency);
  // The pickers filter each other: networks offered for the chosen currency and the reverse.
  const networkOptions = unique(currencies.filter((c) => !currency || c.currency === currency).map((c) => ({ value: c.network, label: c.network_name })));
  const currencyOptions = unique(currencies.filter((c) => !network || c.network === network).map((c) => ({ value: c.currency, label: `${c.display_name} (${c.currency.toUpperCase()})` })));

  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await onSubmit(values);
    } catch (error) {
      setFormError(applyApiError(error, form.setError, (p) => FORM_PATHS.test(p)));
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {formError && <Alert color="red" role="alert">{formError}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {(["open", "closed"] as const).map((side) => (
            <Fieldset key={side} legend={side === "open" ? "Open channel (offers are posted here)" : "Closed channel (subscribers get access)"}>
              <Stack gap="xs">
                <TextInput label="Chat id" placeholder="-1001234567890" inputMode="numeric"
                  {...register(`${side}_channel_id`)} error={errors[`${side}_channel_id`]?.message} />
                <TextInput label="Title" {...register(`${side}_channel_title`)} error={errors[`${side}_channel_title`]?.message} />
                <Textarea label="Description" autosize minRows={2}
                  {...register(`${side}_channel_description`)} error={errors[`${side}_channel_description`]?.message} />
              </Stack>
            </Fieldset>
          ))}
        </SimpleGrid>

        <Fieldset legend="Tiers (1 to 3)">
          <Stack gap="xs">
            {tiers.fields.map((field, i) => (
              <Group key={field.id} align="start" wrap="nowrap">
                <TextInput label={`Tier ${i + 1} price (USD)`} inputMode="decimal" style={{ flex: 1 }}
                  {...register(`tiers.${i}.price_usd`)} error={errors.tiers?.[i]?.price_usd?.message} />
                <TextInput label="Days" description="36500 = lifetime" inputMode="numeric" style={{ flex: 1 }}
                  {...register(`tiers.${i}.duration_days`)} error={errors.tiers?.[i]?.duration_days?.message} />
                {tiers.fields.length > 1 && (
                  <Button variant="subtle" color="red" mt={24} onClick={() => tiers.remove(i)} aria-label={`Remove tier ${i + 1}`}>✕</Button>
                )}
              </Group>
            ))}
            {errors.tiers?.message && <Text c="red" size="sm">{errors.tiers.message}</Text>}
            {tiers.fields.length < 3 && (
              <Button variant="light" onClick={() => tiers.append({ price_usd: "", duration_days: "30" })}>Add tier</Button>
            )}
          </Stack>
        </Fieldset>

        <Fieldset legend="Payout">
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Controller control={control} name="payout.currency" render={({ field, fieldState }) => (
                <Select label="Currency" data={currencyOptions} searchable clearable value={field.value || null}
                  onChange={(v) => field.onChange(v ?? "")} onBlur={field.onBlur} error={fieldState.error?.message} />
              )} />
              <Controller control={control} name="payout.network" render={({ field, fieldState }) => (
                <Select label="Network" data={networkOptions} searchable clearable value={field.value || null}
                  onChange={(v) => field.onChange(v ?? "")} onBlur={field.onBlur} error={fieldState.error?.message} />
              )} />
            </SimpleGrid>
            <TextInput label="Wallet address" spellCheck={false} autoComplete="off"
              {...register("payout.wallet_address")} error={errors.payout?.wallet_address?.message} />
            {(pair?.needs_extra_id || extraId) && (
              <TextInput label="Memo / destination tag" {...register("payout.extra_id")} error={errors.payout?.extra_id?.message} />
            )}
            <Controller control={control} name="payout.strategy" render={({ field }) => (
              <SegmentedControl data={[{ value: "instant", label: "Instant (per payment)" }, { value: "threshold", label: "Threshold (batched)" }]}
                value={field.value} onChange={field.onChange} aria-label="Payout strategy" />
            )} />
            {strategy === "threshold" && (
              <TextInput label="Threshold (USD, 50 to 100000)" inputMode="decimal"
                {...register("payout.threshold_usd")} error={errors.payout?.threshold_usd?.message} />
            )}
          </Stack>
        </Fieldset>

        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Fieldset legend="Donations">
            <Stack gap="xs">
              <Switch label="Accept donations" {...register("donations.enabled")} />
              {donations && <Textarea label="Donation message (10–256 characters)" {...register("donations.message")} error={errors.donations?.message?.message} />}
            </Stack>
          </Fieldset>
          <Fieldset legend="Notifications in Telegram">
            <Stack gap="xs">
              <Switch label="Notify me of payments and payouts" {...register("notifications.enabled")} />
              {notifications && <TextInput label="Your Telegram user id" inputMode="numeric"
                {...register("notifications.telegram_user_id")} error={errors.notifications?.telegram_user_id?.message} />}
            </Stack>
          </Fieldset>
        </SimpleGrid>
        <Group><Button type="submit" loading={isSubmitting}>{submitLabel}</Button></Group>
      </Stack>
    </form>
  );
}

function unique(options: { value: string; label: string }[]) {
  return [...new Map(options.map((o) => [o.value, o])).values()];
}
