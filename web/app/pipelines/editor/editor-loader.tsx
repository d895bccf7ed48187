'use client';

import dynamic from 'next/dynamic';
import type { EditorProps } from './pipeline-editor';

/** The editor's code is fetched only when an editor page opens (it is not part of any other page's JS). */
const PipelineEditor = dynamic(() => import('./pipeline-editor'), {
  ssr: false,
  loading: () => <p className="muted">Loading the editor…</p>,
});

export function EditorLoader(props: EditorProps) {
  return <PipelineEditor {...props} />;
}
