import type { ReactNode } from 'react';

/** A list as a table: a header row naming the columns, then the rows given as children. */
export function Table({ columns, children }: { columns: string[]; children: ReactNode }) {
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
