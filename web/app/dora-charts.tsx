'use client';

import { useRouter } from 'next/navigation';
import type { ComponentProps, ReactElement } from 'react';
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
import { day, duration, percent } from '@/lib/format';
import { metrics, seriesColours as colour } from '@/lib/labels';
import type { ChartRow } from './dora-query';

const hours = (seconds: number | null) => (seconds === null ? null : seconds / 3600);
const inHours = (v: number) => duration(v * 3600);
const lead = metrics.leadTimeForChanges.title;
const failure = metrics.changeFailureRate.title;
const rework = metrics.deploymentReworkRate.title.toLowerCase();
const restore = metrics.timeToRestore.title;

/** One chart of the page, with the number of buckets it draws a point for (the browser tests count them). */
function Figure(props: { name: string; caption: string; points: number; children: ReactElement }) {
  return (
    <figure className="chart" data-chart={props.name} data-points={props.points}>
      <figcaption>{props.caption}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        {props.children}
      </ResponsiveContainer>
    </figure>
  );
}

/** The four charts of the DORA page; a click on a bucket explains it below (the URL keeps the choice). */
export function DoraCharts({ rows, timeZone, query }: { rows: ChartRow[]; timeZone: string; query: string }) {
  const router = useRouter();
  const data = rows.map((row) => ({
    ...row,
    leadP50h: hours(row.leadP50),
    leadBandH: row.leadBand ? [row.leadBand[0] / 3600, row.leadBand[1] / 3600] : null,
    restoreP50h: hours(row.restoreP50),
  }));
  const counted = (key: 'leadP50h' | 'failureRate' | 'restoreP50h') =>
    data.filter((d) => d[key] !== null).length;
  const open = (state: { activeLabel?: string | number } | null) => {
    if (state?.activeLabel === undefined) return;
    const q = new URLSearchParams(query);
    q.set('bucket', String(state.activeLabel));
    router.push(`/?${q}`, { scroll: false });
  };
  // What every chart shares: the buckets along x, the grid, a y axis, the tooltip in the chart's unit.
  const axes = (format: (value: number) => string, y: ComponentProps<typeof YAxis> = {}) => [
    <CartesianGrid key="grid" stroke={colour.grid} vertical={false} />,
    <XAxis
      key="x"
      dataKey="bucketStart"
      tickFormatter={(v: string) => day(v, timeZone)}
      stroke={colour.axis}
      fontSize={12}
    />,
    <YAxis key="y" {...y} stroke={colour.axis} fontSize={12} />,
    <Tooltip
      key="tooltip"
      contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
      labelFormatter={(v) => (typeof v === 'string' ? day(v, timeZone) : '')}
      formatter={(value) =>
        Array.isArray(value)
          ? `${format(Number(value[0]))} – ${format(Number(value[1]))}`
          : format(Number(value))
      }
    />,
  ];

  return (
    <div className="charts">
      <Figure
        name="deployments"
        caption="Deployments per bucket (rework and failed marked)"
        points={data.length}
      >
        <BarChart data={data} onClick={open}>
          {axes(String, { allowDecimals: false })}
          <Legend />
          <Bar dataKey="deployments" name="deployments" fill={colour.deployments} isAnimationActive={false} />
          <Bar dataKey="rework" name="rework" fill={colour.rework} isAnimationActive={false} />
          <Bar dataKey="failed" name="failed" fill={colour.failed} isAnimationActive={false} />
        </BarChart>
      </Figure>
      <Figure name="lead-time" caption={`${lead}: median, p75–p90 band (hours)`} points={counted('leadP50h')}>
        <ComposedChart data={data} onClick={open}>
          {axes(inHours)}
          <Legend />
          <Area
            dataKey="leadBandH"
            name="p75–p90"
            fill={colour.lead}
            fillOpacity={0.15}
            stroke="none"
            isAnimationActive={false}
            connectNulls
          />
          <Line
            dataKey="leadP50h"
            name="median"
            stroke={colour.lead}
            isAnimationActive={false}
            connectNulls
          />
        </ComposedChart>
      </Figure>
      <Figure name="rates" caption={`${failure} and ${rework}`} points={counted('failureRate')}>
        <LineChart data={data} onClick={open}>
          {axes(percent, { tickFormatter: percent })}
          <Legend />
          <Line
            dataKey="failureRate"
            name="change failure"
            stroke={colour.failed}
            isAnimationActive={false}
          />
          <Line dataKey="reworkRate" name="rework" stroke={colour.rework} isAnimationActive={false} />
        </LineChart>
      </Figure>
      <Figure name="restore" caption={`${restore}: median (hours)`} points={counted('restoreP50h')}>
        <LineChart data={data} onClick={open}>
          {axes(inHours)}
          <Line dataKey="restoreP50h" name="median" stroke={colour.restore} isAnimationActive={false} />
        </LineChart>
      </Figure>
    </div>
  );
}
