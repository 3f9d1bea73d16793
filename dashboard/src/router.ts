/** Hash routes (`#/renders`, `#/editor?template=…`): no server routes needed, the back button works. */
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  page: string;
  params: URLSearchParams;
}

function read(): Location {
  const raw = location.hash.replace(/^#\/?/, '');
  const [page, query = ''] = raw.split('?');
  return { page: page || 'renders', params: new URLSearchParams(query) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return loc;
}

export function go(page: string, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString();
  location.hash = `#/${page}${q ? `?${q}` : ''}`;
}
