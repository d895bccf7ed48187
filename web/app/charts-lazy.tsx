'use client';

import dynamic from 'next/dynamic';
import type { ChartRow } from './dora-query';

/** The charts load after the numbers: Recharts is not part of the page's first JavaScript. */
const DoraCharts = dynamic(() => import('./dora-charts').then((m) => m.DoraCharts), {
  ssr: false,
  loading: () => <div className="skeleton chart" aria-label="Loading charts" />,
});

export function ChartsLazy(props: { rows: ChartRow[]; timeZone: string; query: string }) {
  return <DoraCharts {...props} />;
}
