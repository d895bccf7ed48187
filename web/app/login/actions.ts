'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { ApiError, gqlWithToken } from '@/lib/api';
import { webConfig } from '@/lib/config';
import { field, type ActionResult } from '@/lib/form';
import { localPath } from '@/lib/local-path';
import { ViewerDocument } from '@/lib/graphql-operations';
import { tokenCookie } from '@/lib/session';

/** Checks the token against the API, then keeps it in an httpOnly cookie. */
export async function signIn(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const token = field(form, 'token');
  if (!token) return { error: 'Enter an API token.' };
  try {
    await gqlWithToken(token, ViewerDocument);
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    // gqlWithToken redirects on UNAUTHENTICATED: say so here instead
    return { error: 'That token is not valid, was revoked or has expired.' };
  }
  (await cookies()).set(tokenCookie, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: webConfig().secureCookies,
    path: '/',
    maxAge: 60 * 60 * 24 * 30,
  });
  redirect(localPath(field(form, 'next')));
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(tokenCookie);
  redirect('/login');
}
