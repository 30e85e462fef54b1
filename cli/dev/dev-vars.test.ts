// .dev.vars parsing: KEY=value lines, comments, quotes and `export`; a malformed line is an error naming
// the file and line that does not echo the line (it may hold a secret).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDevVars } from "./dev-vars.ts";

test("KEY=value lines, comments, quotes and export", () => {
  const text = `# comment\nAPI_KEY=abc123\nexport TOKEN = "two words\\nline"\nSINGLE='raw \\n'\n\nEMPTY=\n`;
  assert.equal(parseDevVars(text, ".dev.vars"), { API_KEY: "abc123", TOKEN: "two words\nline", SINGLE: "raw \\n", EMPTY: "" });
});

test("a malformed line names file and line without echoing it", () => {
  try {
    parseDevVars("OK=1\nsk-live-SECRET-VALUE\n", "/app/.dev.vars");
    assert.unreachable("should throw");
  } catch (err) {
    const message = (err as Error).message;
    assert.match(message, /^\/app\/\.dev\.vars:2: expected KEY=value/);
    assert.not.match(message, /SECRET/);
  }
});

test.run();
