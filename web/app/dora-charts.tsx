'use client';

import { useRouter } from 'next/navigation';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { colours, day, duration, percent } from '@/lib/format';
import type { ChartRow } from './dora-query';

const hours = (seconds: number | null) => (seconds === null ? null : seconds / 3600);

/** The four charts of the DORA page; a click on a bucket explains it below (the URL keeps the choice). */
export function DoraCharts({ rows, timeZone, query }: { rows: ChartRow[]; timeZone: string; query: string }) {
  const router = useRouter();
  const data = rows.map((row) => ({
    ...row,
    leadP50h: hours(row.leadP50),
    leadBandH: row.leadBand ? [row.leadBand[0] / 3600, row.leadBand[1] / 3600] : null,
    restoreP50h: hours(row.restoreP50),
  }));
  const open = (state: { activeLabel?: string | number } | null) => {
    if (state?.activeLabel === undefined) return;
    const q = new URLSearchParams(query);
    q.set('bucket', String(state.activeLabel));
    router.push(`/?${q}`, { scroll: false });
  };
  const x = (
    <XAxis
      dataKey="bucketStart"
      tickFormatter={(v: string) => day(v, timeZone)}
      stroke="#9aa4b2"
      fontSize={12}
    />
  );
  const grid = <CartesianGrid stroke="#252d37" vertical={false} />;
  const tooltip = (format: (value: number, name: string) => string) => (
    <Tooltip
      contentStyle={{ background: '#171d24', border: '1px solid #252d37' }}
      labelFormatter={(v) => (typeof v === 'string' ? day(v, timeZone) : '')}
      formatter={(value, name) =>
        Array.isArray(value)
          ? `${format(Number(value[0]), String(name))} – ${format(Number(value[1]), String(name))}`
          : format(Number(value), String(name))
      }
    />
  );

  return (
    <div className="charts">
      <figure className="chart" data-chart="deployments" data-points={data.length}>
        <figcaption>Deployments per bucket (rework and failed marked)</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} onClick={open}>
            {grid}
            {x}
            <YAxis allowDecimals={false} stroke="#9aa4b2" fontSize={12} />
            {tooltip((v) => String(v))}
            <Legend />
            <Bar
              dataKey="deployments"
              name="deployments"
              fill={colours.deployments}
              isAnimationActive={false}
            />
            <Bar dataKey="rework" name="rework" fill={colours.rework} isAnimationActive={false} />
            <Bar dataKey="failed" name="failed" fill={colours.failed} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="chart"
        data-chart="lead-time"
        data-points={data.filter((d) => d.leadP50h !== null).length}
      >
        <figcaption>Lead time for changes: median, p75–p90 band (hours)</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart data={data} onClick={open}>
            {grid}
            {x}
            <YAxis stroke="#9aa4b2" fontSize={12} />
            {tooltip((v) => duration(v * 3600))}
            <Legend />
            <Area
              dataKey="leadBandH"
              name="p75–p90"
              fill={colours.band}
              fillOpacity={0.15}
              stroke="none"
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="leadP50h"
              name="median"
              stroke={colours.lead}
              isAnimationActive={false}
              connectNulls
            />
          </ComposedChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="chart"
        data-chart="rates"
        data-points={data.filter((d) => d.failureRate !== null).length}
      >
        <figcaption>Change failure rate and rework rate</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} onClick={open}>
            {grid}
            {x}
            <YAxis tickFormatter={(v: number) => percent(v)} stroke="#9aa4b2" fontSize={12} />
            {tooltip((v) => percent(v))}
            <Legend />
            <Line
              dataKey="failureRate"
              name="change failure"
              stroke={colours.failed}
              isAnimationActive={false}
            />
            <Line dataKey="reworkRate" name="rework" stroke={colours.rework} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="chart"
        data-chart="restore"
        data-points={data.filter((d) => d.restoreP50h !== null).length}
      >
        <figcaption>Time to restore: median (hours)</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} onClick={open}>
            {grid}
            {x}
            <YAxis stroke="#9aa4b2" fontSize={12} />
            {tooltip((v) => duration(v * 3600))}
            <Line dataKey="restoreP50h" name="median" stroke={colours.restore} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
