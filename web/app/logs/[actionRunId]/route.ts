import { cookies } from 'next/headers';
import { ApiError, gql, gqlWithToken } from '@/lib/api';
import { ActionLogPageDocument } from '@/lib/graphql-operations';
import { tokenCookie } from '@/lib/session';

/** The API's largest page of log lines. */
const maxPage = 5000;

const whole = (value: string | null, fallback: number, max: number) => {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
};

/**
 * An action's log through the signed-in session (page scripts never hold the token):
 * `?after=N&limit=M` answers `{ total, lines }`, the lines after seq N; `?download=1` streams the whole log
 * as text, page by page, however long it is.
 */
export async function GET(request: Request, { params }: { params: Promise<{ actionRunId: string }> }) {
  const { actionRunId } = await params;
  const url = new URL(request.url);
  try {
    if (url.searchParams.get('download')) return await download(actionRunId);
    const { actionRun } = await gql(ActionLogPageDocument, {
      a: actionRunId,
      after: whole(url.searchParams.get('after'), 0, Number.MAX_SAFE_INTEGER),
      limit: Math.max(1, whole(url.searchParams.get('limit'), 1000, maxPage)),
    });
    if (!actionRun) return Response.json({ error: 'no such action run' }, { status: 404 });
    return Response.json({ total: actionRun.logLineCount, lines: actionRun.logs });
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ error: error.message }, { status: 502 });
    throw error; // a redirect to sign in, or a bug
  }
}

async function download(actionRunId: string): Promise<Response> {
  const first = await gql(ActionLogPageDocument, { a: actionRunId, after: 0, limit: maxPage });
  // Later pages are read while the body streams, outside this request's scope: with the token read now.
  const token = (await cookies()).get(tokenCookie)!.value;
  if (!first.actionRun) return Response.json({ error: 'no such action run' }, { status: 404 });
  const name = first.actionRun.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'action';
  const encoder = new TextEncoder();
  let page = first.actionRun.logs;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (page.length === 0) return controller.close();
      controller.enqueue(encoder.encode(page.map((line) => `${line.text}\n`).join('')));
      const after = page.at(-1)!.seq;
      page =
        page.length < maxPage
          ? []
          : ((await gqlWithToken(token, ActionLogPageDocument, { a: actionRunId, after, limit: maxPage }))
              .actionRun?.logs ?? []);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${name}-${actionRunId.slice(0, 8)}.log"`,
      'cache-control': 'no-store',
    },
  });
}
