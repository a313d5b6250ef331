export function Swatch({ color, title }: { color: string; title?: string }) {
  return <span className="swatch" style={{ background: color }} title={title} aria-hidden />;
}
