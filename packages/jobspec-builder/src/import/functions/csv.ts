import { goQuote, type HclData, makeObject } from './values';

// ---------------------------------------------------------------------------
// CSV: Go's encoding/csv Reader with its default settings

class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

class CsvReader {
  private pos = 0;
  /** Lines read so far; the line a record starts on is reported for a wrong field count. */
  numLine = 0;

  constructor(private readonly text: string) {}

  private readLine(): { line: string; eof: boolean } {
    if (this.pos >= this.text.length) return { line: '', eof: true };
    const nl = this.text.indexOf('\n', this.pos);
    let line = nl < 0 ? this.text.slice(this.pos) : this.text.slice(this.pos, nl + 1);
    this.pos = nl < 0 ? this.text.length : nl + 1;
    if (nl < 0 && line.endsWith('\r')) line = line.slice(0, -1);
    this.numLine++;
    if (line.endsWith('\r\n')) line = `${line.slice(0, -2)}\n`;
    return { line, eof: false };
  }

  /** One record and the line it starts on, or undefined at the end of input. */
  read(): { fields: string[]; line: number } | undefined {
    let next = this.readLine();
    while (!next.eof && next.line === '\n') next = this.readLine();
    if (next.eof) return undefined;
    let line = next.line;
    const recLine = this.numLine;
    const fields: string[] = [];
    for (;;) {
      if (!line.startsWith('"')) {
        const comma = line.indexOf(',');
        const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, '');
        if (field.includes('"')) throw new CsvError(this.numLine, 'bare " in non-quoted-field');
        fields.push(field);
        if (comma < 0) return { fields, line: recLine };
        line = line.slice(comma + 1);
        continue;
      }
      line = line.slice(1);
      let field = '';
      for (;;) {
        const quote = line.indexOf('"');
        if (quote >= 0) {
          field += line.slice(0, quote);
          line = line.slice(quote + 1);
          if (line.startsWith('"')) {
            field += '"';
            line = line.slice(1);
          } else if (line.startsWith(',')) {
            line = line.slice(1);
            fields.push(field);
            break;
          } else if (line === '' || line === '\n') {
            fields.push(field);
            return { fields, line: recLine };
          } else {
            throw new CsvError(this.numLine, 'extraneous or missing " in quoted-field');
          }
        } else if (line.length > 0) {
          field += line;
          line = this.readLine().line;
        } else {
          throw new CsvError(this.numLine, 'extraneous or missing " in quoted-field');
        }
      }
    }
  }
}

/** cty's csvdecode: the first record names the columns; every row becomes an object of strings. */
export function csvDecode(text: string): HclData {
  const reader = new CsvReader(text);
  const read = (): { fields: string[]; line: number } | undefined => {
    try {
      return reader.read();
    } catch (e) {
      if (e instanceof CsvError) throw new Error(`CSV parse error on line ${e.line}: ${e.message}`);
      throw e;
    }
  };
  const headers = read()?.fields;
  if (headers === undefined) throw new Error('missing header line');
  const seen = new Set<string>();
  for (const h of headers) {
    if (seen.has(h)) throw new Error(`duplicate column name ${goQuote(h)}`);
    seen.add(h);
  }
  const rows: HclData[] = [];
  for (let record = read(); record !== undefined; record = read()) {
    if (record.fields.length !== headers.length) {
      throw new Error(`CSV parse error on line ${record.line}: wrong number of fields`);
    }
    rows.push(makeObject(record.fields.map((v, i) => [headers[i] as string, v])));
  }
  return rows;
}
