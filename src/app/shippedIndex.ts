/**
 * An index.json shipped in public/ (the gallery's runs, the lessons), fetched once per page: every
 * reader shares the request, and a failure is tried again by the next reader.
 */
const requests = new Map<string, Promise<unknown>>();

export function fetchShippedIndex<T>(url: string, what: string): Promise<T> {
  let p = requests.get(url);
  if (!p) {
    p = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`${what} could not be read (HTTP ${res.status})`);
      return (await res.json()) as unknown;
    });
    p.catch(() => requests.delete(url));
    requests.set(url, p);
  }
  return p as Promise<T>;
}
