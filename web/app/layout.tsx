import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Lockstep',
  description: 'Deployment pipelines and DORA metrics',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            Lockstep
          </a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
