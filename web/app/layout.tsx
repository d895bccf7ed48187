import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { tokenCookie } from '@/lib/session';
import { signOut } from './login/actions';
import './styles/tokens.css';
import './styles/base.css';
import './styles/surfaces.css';
import './styles/badges.css';
import './styles/dora.css';
import './styles/runs.css';
import './styles/releases.css';
import './styles/graph.css';
import './styles/editor.css';

export const metadata: Metadata = {
  title: 'Lockstep',
  description: 'Deployment pipelines and DORA metrics',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const signedIn = (await cookies()).has(tokenCookie);
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Lockstep
          </Link>
          {signedIn ? (
            <nav aria-label="Main">
              <Link href="/">DORA</Link>
              <Link href="/pipelines">Pipelines</Link>
              <Link href="/releases">Releases</Link>
              <Link href="/deployments">Deployments</Link>
              <Link href="/services">Services</Link>
              <Link href="/environments">Environments</Link>
              <Link href="/freeze-windows">Freeze windows</Link>
              <Link href="/incidents">Incidents</Link>
              <form action={signOut}>
                <button type="submit" className="link">
                  Sign out
                </button>
              </form>
            </nav>
          ) : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
