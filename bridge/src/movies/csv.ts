/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into one object per data row, keyed by
 * the header row: the batch endpoint's CSV body, where the header names the template's variables.
 * Returns `{ error }` naming the line of a malformed row instead of throwing.
 */
export function parseCsv(text: string): { rows: Record<string, string>[] } | { error: string } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return { error: 'CSV body has an unterminated quoted field.' };
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0].trim() === ''));
  if (nonEmpty.length === 0) return { error: 'CSV body is empty: the first row must name the variables.' };
  const header = nonEmpty[0].map((h) => h.trim());
  if (header.some((h) => h === '')) return { error: 'CSV header has an empty column name.' };
  const rows: Record<string, string>[] = [];
  for (let r = 1; r < nonEmpty.length; r++) {
    if (nonEmpty[r].length !== header.length) {
      return { error: `CSV row ${r} has ${nonEmpty[r].length} fields; the header has ${header.length}.` };
    }
    rows.push(Object.fromEntries(header.map((h, j) => [h, nonEmpty[r][j]])));
  }
  return { rows };
}
