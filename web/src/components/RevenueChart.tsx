// Revenue per day as an SVG bar chart (no chart library): scales to its container, each bar titled.
import { Group, Text } from "@mantine/core";
import { sumDecimals, usd } from "../lib/kpi";

export interface RevenueDay { day: string; usd: string; payments: number }

const HEIGHT = 120;
const BAR_GAP = 2;

export function RevenueChart({ days }: { days: RevenueDay[] }) {
  const values = days.map((d) => Number(d.usd) || 0);
  const max = Math.max(...values, 0);
  const total = sumDecimals(days.map((d) => d.usd)) ?? "0";
  const width = Math.max(days.length, 1) * 10;
  const first = days[0]?.day;
  const last = days[days.length - 1]?.day;
  return (
    <div data-testid="revenue-chart">
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} width="100%" height={HEIGHT} preserveAspectRatio="none" role="img"
        aria-label={`Revenue per day from ${first ?? "-"} to ${last ?? "-"}: ${usd(total)} in total`}>
        <line x1={0} x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} stroke="var(--mantine-color-gray-4)" strokeWidth={1} />
        {days.map((d, i) => {
          const value = values[i] ?? 0;
          const h = max > 0 ? Math.max((value / max) * (HEIGHT - 4), value > 0 ? 2 : 0) : 0;
          return (
            <rect key={d.day} x={i * 10 + BAR_GAP / 2} y={HEIGHT - h} width={10 - BAR_GAP} height={h} fill="var(--mantine-color-blue-6)">
              <title>{`${d.day}: ${usd(d.usd)} (${d.payments} payment${d.payments === 1 ? "" : "s"})`}</title>
            </rect>
          );
        })}
      </svg>
      <Group justify="space-between">
        <Text size="xs" c="dimmed">{first}</Text>
        <Text size="xs" c="dimmed">max {usd(String(max))} / day</Text>
        <Text size="xs" c="dimmed">{last}</Text>
      </Group>
    </div>
  );
}
