// The failed-rebuild page: names the first location, shows its line with a caret, escapes the message.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { devErrorPage } from "./dev-error-page.ts";
import { locationsIn } from "../sdk/build/errors.ts";

test("the page names file, line and column, shows the line, and escapes HTML in the message", () => {
  const html = devErrorPage({
    message: 'src/index.ts:3:9: Unexpected "<"',
    locations: [{ file: "src/index.ts", line: 3, column: 9, lineText: "let x = <b>;" }],
    at: 0,
  });
  assert.match(html, "<title>Build failed in src/index.ts:3:9</title>");
  assert.match(html, "3 | let x = &#60;b&#62;;\n  |         ^");
  assert.match(html, "Unexpected &#34;&#60;&#34;");
  assert.not.match(html, "<b>");
});

test("without a location the page still shows the message", () => {
  const html = devErrorPage({ message: "version 3 did not go live: timeout", locations: [], at: 0 });
  assert.match(html, "<h1>Build failed</h1>");
  assert.match(html, "version 3 did not go live: timeout");
});

test("locationsIn reads file:line:column places from a message (a mapped stack), once each", () => {
  const text = "Error: boom\n    at init (src/app.ts:12:5)\n    at src/app.ts:12:5\n    at lib/util.mjs:3:1";
  assert.equal(locationsIn(text), [{ file: "src/app.ts", line: 12, column: 5 }, { file: "lib/util.mjs", line: 3, column: 1 }]);
  assert.equal(locationsIn("no places here: 1:2"), []);
});

test.run();
