// CSV text for the merchant's spreadsheets. Pure.
// - RFC 4180: fields separated by commas, records ended by CRLF; a field containing a comma, a double quote, CR or LF is
//   enclosed in double quotes, with each double quote inside doubled.
// - Formula injection (OWASP "CSV Injection"): a text field that begins with =, +, -, @, a tab or a carriage return
//   could be run as a formula by Excel, Sheets or LibreOffice (=HYPERLINK(...), =cmd|...). It gets a leading
//   apostrophe, which spreadsheets show as text. Numbers are written as they are (a number is never a formula).
// - CSV_BOM goes first in a file: Excel reads the file as UTF-8 only when it starts with the byte order mark.
// No library: none is a dependency, and this is the whole of it.

export type CsvValue = string | number | null | undefined;

/** The UTF-8 byte order mark, as text: the first character of a file Excel should read as UTF-8. */
export const CSV_BOM = "\uFEFF";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: null and undefined are empty, numbers as they are, text protected and quoted as needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
