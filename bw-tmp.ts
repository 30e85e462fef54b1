import { loadConfig } from "./sdk/config/index.ts";
import { buildApp } from "./sdk/build/index.ts";
import { readFileSync, writeFileSync } from "node:fs";
const cfgPath = "/tmp/p2/wrangler-like.toml";
const src = "/tmp/p2/examples/hello/src/index.ts";
const orig = readFileSync(src, "utf8");
if (process.argv[2] === "warm") {
  const { prepareMachine } = await import("./sdk/build/prepare.ts");
  const t = performance.now(); await prepareMachine(); console.log("warm-up", (performance.now() - t).toFixed(0));
}
for (let i = 0; i < 3; i++) {
  writeFileSync(src, orig.replace(/greeting: env.GREETING[^}]*}/, `greeting: env.GREETING, z: ${Date.now()} }`));
  const t = performance.now();
  const c = await loadConfig(cfgPath);
  const r = await buildApp(c);
  console.log(i, (performance.now() - t).toFixed(0), r.steps.map((s) => `${s.name} ${s.ms}`).join(", "));
}
writeFileSync(src, orig);
