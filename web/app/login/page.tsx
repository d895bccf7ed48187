import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in · Lockstep' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; expired?: string }>;
}) {
  const { next, expired } = await searchParams;
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {expired ? <p className="notice">Your token is no longer valid. Sign in again.</p> : null}
      <p className="muted">
        Use a Lockstep API token (an admin creates one with <code>createApiToken</code>;{' '}
        <code>npm start</code> prints one for the first admin).
      </p>
      <SignInForm next={next ?? '/'} />
    </section>
  );
}
