// Unit tests of the cloud commands' helpers: the order in which the control plane URL and the token are
// found, how API failures are explained, the requests count read from Prometheus text, and formatting.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApiError } from "../client/api-client.ts";
import { requestsServed } from "../up/status-line.ts";
import { explain } from "./connect.ts";
import { table, versionSet } from "./format.ts";
import { resolveTarget, TargetError, type Target } from "./target.ts";
import { writeUpState } from "./up-state.ts";
import { tempDir } from "../../testkit/temp.ts";

const dir = tempDir("outpost-target-");
process.chdir(dir); // so no .outpost of the repository is found above the cwd
const config = join(dir, "wrangler-like.toml");
const target = (values: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) => resolveTarget({ values, config }, env);

test("without anything: the default URL, and a missing token says where to get one", () => {
  try {
    target();
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, TargetError);
    assert.match((err as Error).message, "no token for the control plane at http://127.0.0.1:8780: pass --token <token> or set OUTPOST_TOKEN");
  }
});

test("the URL: --control-plane, then $OUTPOST_CONTROL_PLANE, then the default", () => {
  const t = { OUTPOST_TOKEN: "t" };
  assert.is(target({ "control-plane": "http://127.0.0.1:1/" }, { ...t, OUTPOST_CONTROL_PLANE: "http://127.0.0.1:2" }).url, "http://127.0.0.1:1");
  assert.is(target({}, { ...t, OUTPOST_CONTROL_PLANE: "http://127.0.0.1:2" }).url, "http://127.0.0.1:2");
  assert.is(target({}, t).url, "http://127.0.0.1:8780");
  assert.throws(() => target({ "control-plane": "nope" }, t), /--control-plane is not a URL: 'nope'/);
});

test("the token: --token, $OUTPOST_TOKEN, $OUTPOST_ADMIN_TOKEN, then .outpost/control-plane/admin-token", () => {
  mkdirSync(join(dir, ".outpost", "control-plane"), { recursive: true });
  writeFileSync(join(dir, ".outpost", "control-plane", "admin-token"), "from-file\n");
  const env = { OUTPOST_TOKEN: "from-env", OUTPOST_ADMIN_TOKEN: "admin-env" };
  assert.is(target({ token: "flag" }, env).token, "flag");
  assert.is(target({}, env).token, "from-env");
  assert.is(target({}, { OUTPOST_ADMIN_TOKEN: "admin-env" }).token, "admin-env");
  const fromFile = target();
  assert.is(fromFile.token, "from-file");
  assert.match(fromFile.tokenSource, join(".outpost", "control-plane", "admin-token"));
});

test("local admin tokens are never sent to a control plane on another machine", () => {
  assert.throws(() => target({ "control-plane": "https://cp.example.com" }, { OUTPOST_ADMIN_TOKEN: "admin-env" }), /no token for the control plane at https:\/\/cp\.example\.com/);
  assert.is(target({ "control-plane": "https://cp.example.com" }, { OUTPOST_TOKEN: "t" }).token, "t");
});

test("a running outpost up supplies the URL", () => {
  writeUpState(join(dir, ".outpost"), { pid: process.pid, startedAt: "", controlPlane: "http://127.0.0.1:18780", regions: [], children: [] });
  const t = target();
  assert.is(t.url, "http://127.0.0.1:18780");
  assert.match(t.urlSource, `outpost up (pid ${process.pid})`);
});

test("API failures are explained with what to do", () => {
  const t: Target = { url: "http://127.0.0.1:8780", urlSource: "the default", token: "x", tokenSource: "$OUTPOST_TOKEN" };
  assert.match(explain(new ApiError("GET /v1/status", 0, "unreachable", "cannot reach the control plane at http://127.0.0.1:8780 (ECONNREFUSED)"), t).message, /is it running\? Start one with `outpost up`.*came from the default/);
  assert.match(explain(new ApiError("GET /v1/status", 401, "unauthorized", "bad token"), t).message, "refused the token from $OUTPOST_TOKEN: bad token; pass the right one with --token");
  assert.is(
    explain(new ApiError("GET /v1/apps/x/versions", 404, "not_found", "app 'x' does not exist (upload a version first: POST /v1/apps/x/versions)"), t).message,
    "app 'x' does not exist on the control plane at http://127.0.0.1:8780; `outpost deploy` uploads and deploys it",
  );
});

test("requests served are summed over status classes for the app only", () => {
  const text = [
    "# HELP outpost_requests_total Requests served, by app and status class.",
    'outpost_requests_total{app="a",region="r",class="2xx"} 5',
    'outpost_requests_total{app="a",region="r",class="5xx"} 2',
    'outpost_requests_total{app="ab",region="r",class="2xx"} 100',
    'outpost_request_duration_seconds_count{app="a",region="r"} 7',
  ].join("\n");
  assert.is(requestsServed(text, "a"), 7);
  assert.is(requestsServed(text, "none"), 0);
});

test("tables align around colors; version sets read naturally", () => {
  const t = table(["a", "bb"], [["\x1b[32mx\x1b[39m", "1"], ["yyy", "22"]], { right: [1] });
  assert.is(t.replace(/\x1b\[\d+m/g, ""), "a    bb\nx     1\nyyy  22");
  assert.is(versionSet([{ version: 2, percent: 100 }]), "v2");
  assert.is(versionSet([{ version: 2, percent: 90 }, { version: 3, percent: 10 }]), "v2 90% + v3 10%");
  assert.is(versionSet(null), "nothing");
});

test.run();
