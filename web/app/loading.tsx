/** Shown while a page's data loads: the shape of what is coming. */
export default function Loading() {
  return (
    <section aria-busy="true" aria-label="Loading">
      <div className="skeleton title" />
      <div className="cards">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="skeleton card" />
        ))}
      </div>
      <div className="skeleton chart" />
    </section>
  );
}
