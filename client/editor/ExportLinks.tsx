/** Where a document's export lives (the token rides along as `?token=` in auth mode). */
function exportUrl(name: string, format: string, token: string | null): string {
  const query = new URLSearchParams({ format });
  if (token) query.set('token', token);
  return `/api/docs/${encodeURIComponent(name)}/export?${query}`;
}

const FORMATS = [
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'json', label: 'JSON' },
] as const;

/** "Download as Markdown · HTML · JSON": the server renders the stored document. */
export function ExportLinks({ name, token }: { name: string; token: string | null }) {
  return (
    <p className="export-links">
      Download as{' '}
      {FORMATS.map(({ format, label }, i) => (
        <span key={format}>
          {i > 0 && ' · '}
          <a href={exportUrl(name, format, token)} download>
            {label}
          </a>
        </span>
      ))}
    </p>
  );
}
