// The engine's house rules (issue 16): no function in app/recovery/ longer than about 80 lines, and no Prisma model
// call there (database work lives in app/models/). A file that breaks them fails here with its name and line.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const DIR = path.resolve(__dirname, "../../app/recovery");
const MAX_LINES = 80;

function sources(): Array<{ file: string; sf: ts.SourceFile }> {
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".ts"))
    .map((file) => ({ file, sf: ts.createSourceFile(file, fs.readFileSync(path.join(DIR, file), "utf8"), ts.ScriptTarget.Latest, true) }));
}

describe("app/recovery house rules", () => {
  it(`has no function longer than ${MAX_LINES} lines`, () => {
    const long: string[] = [];
    for (const { file, sf } of sources()) {
      const visit = (n: ts.Node) => {
        if (ts.isFunctionLike(n) && "body" in n && n.body) {
          const from = sf.getLineAndCharacterOfPosition(n.getStart()).line;
          const to = sf.getLineAndCharacterOfPosition(n.end).line;
          if (to - from + 1 > MAX_LINES) long.push(`${file}:${from + 1} (${to - from + 1} lines)`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it("makes no Prisma model call (the engine's database work is in app/models/)", () => {
    const calls: string[] = [];
    for (const { file, sf } of sources()) {
      const visit = (n: ts.Node) => {
        // `<x>.db.<model>.<op>(...)`, `db.<model>.<op>(...)` or `<x>.$transaction(...)`
        if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
          const text = n.expression.getText(sf);
          if (/(^|\.)db\.[a-zA-Z]+\.[a-zA-Z]+$/.test(text) || /\$(transaction|queryRaw|executeRaw)/.test(text)) {
            calls.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} ${text}`);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(calls).toEqual([]);
  });
});
