// `outpost kv get|put|list|delete <namespace> [key] [value]`: reads and writes the KV primary on the
// control plane (writes replicate to every region). The namespace is a binding of the config (e.g.
// STORE) or a namespace id; `--json` prints the control plane's answer.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { withClient } from "../cloud/connect.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";
import { loadAppConfig } from "../load-config.ts";

export const options: OptionsConfig = {
  ...TARGET_OPTIONS,
  file: { type: "string" },
  ttl: { type: "string" },
  expiration: { type: "string" },
  metadata: { type: "string" },
  prefix: { type: "string" },
  cursor: { type: "string" },
  limit: { type: "string" },
};

export const usage = `Usage: outpost kv <get|put|list|delete> <namespace> [key] [value] [options]

  outpost kv get    <namespace> <key>            prints the value
  outpost kv put    <namespace> <key> <value>    or --file <path> (--file - reads stdin)
                    [--ttl <seconds>] [--expiration <unix seconds>] [--metadata <json>]
  outpost kv list   <namespace> [--prefix <p>] [--cursor <c>] [--limit <1-1000>]
  outpost kv delete <namespace> <key>

<namespace> is a binding of the config's kv_namespaces (e.g. STORE) or a namespace id
(e.g. my-app-STORE). Writes go to the control plane, which replicates them to every region.
Limits as in Workers KV: keys up to 512 bytes, values up to 25 MiB, metadata up to 1024 bytes of
JSON, --ttl at least 60.

Options:
  -c, --config <path>, -e, --env <name>   the config whose bindings name namespaces
      --json                              print the control plane's answer as JSON

${TARGET_USAGE}`;

const SUBCOMMANDS = ["get", "put", "list", "delete"];

/** A binding of the config names its namespace id; anything else is taken as an id. */
async function namespaceId(args: CommandArgs, name: string): Promise<string> {
  if (!existsSync(args.config)) return name;
  const config = await loadAppConfig(args);
  return config.kvNamespaces.find((ns) => ns.binding === name)?.id ?? name;
}

function intOption(args: CommandArgs, name: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}, got "${String(raw)}"`);
  return n;
}

async function readValue(args: CommandArgs, given: string | undefined): Promise<Uint8Array> {
  const file = args.values.file;
  if (typeof file === "string") {
    if (given !== undefined) throw new Error("give the value either as an argument or with --file, not both");
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    }
    return readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read --file ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
    });
  }
  if (given === undefined) throw new Error("kv put needs a value: outpost kv put <namespace> <key> <value>, or --file <path>");
  return Buffer.from(given);
}

function parseMetadata(args: CommandArgs): unknown {
  const raw = args.values.metadata;
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new Error(`--metadata must be JSON, e.g. '{"owner":"me"}' (${(e as Error).message})`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
function asText(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const [sub, nsName, key, value, ...extra] = args.positionals;
  if (!sub || !SUBCOMMANDS.includes(sub)) throw new Error(`${sub ? `unknown kv command "${sub}"` : "missing the kv command"}: use one of ${SUBCOMMANDS.join(", ")} (outpost kv --help)`);
  if (!nsName) throw new Error(`outpost kv ${sub} needs a namespace: a binding of the config (e.g. STORE) or a namespace id`);
  const needsKey = sub !== "list";
  if (needsKey && key === undefined) throw new Error(`outpost kv ${sub} needs a key: outpost kv ${sub} ${nsName} <key>${sub === "put" ? " <value>" : ""}`);
  const maxArgs = sub === "put" ? 3 : needsKey ? 2 : 1;
  if ([nsName, key, value, ...extra].filter((a) => a !== undefined).length > maxArgs) throw new Error(`too many arguments for outpost kv ${sub} (outpost kv --help)`);
  const ns = await namespaceId(args, nsName);
  return withClient(args, async (client) => {
    switch (sub) {
      case "get": {
        const entry = await client.kvGet(ns, key);
        if (!entry) throw new Error(`key '${key}' is not in namespace '${ns}' (or it expired)`);
        const text = asText(entry.value);
        out.result({ namespace: ns, key, value: text ?? Buffer.from(entry.value).toString("base64"), encoding: text === null ? "base64" : "utf8", metadata: entry.metadata ?? null, expiration: entry.expiration, seq: entry.seq });
        if (args.json) return 0;
        process.stdout.write(entry.value);
        if (process.stdout.isTTY) {
          if (text !== null && !text.endsWith("\n")) process.stdout.write("\n");
          const notes = [entry.metadata != null ? `metadata ${JSON.stringify(entry.metadata)}` : "", entry.expiration ? `expires ${new Date(entry.expiration * 1000).toISOString()}` : ""].filter(Boolean);
          if (notes.length) out.info(out.dim(notes.join(" · ")));
        }
        return 0;
      }
      case "put": {
        const bytes = await readValue(args, value);
        const ttl = intOption(args, "ttl", 1);
        const expiration = intOption(args, "expiration", 1);
        const r = await client.kvPut(ns, key, bytes, { metadata: parseMetadata(args), expirationTtl: ttl, expiration });
        out.result({ namespace: ns, key, ...r });
        out.info(`${out.green("put")} ${key} in ${ns} ${out.dim(`(${bytes.length} bytes, seq ${r.seq}${r.expiration ? `, expires ${new Date(r.expiration * 1000).toISOString()}` : ""})`)}`);
        return 0;
      }
      case "delete": {
        const r = await client.kvDelete(ns, key);
        out.result({ namespace: ns, key, ...r });
        out.info(`${out.green("deleted")} ${key} from ${ns} ${out.dim(`(seq ${r.seq})`)}`);
        return 0;
      }
      default: {
        const prefix = typeof args.values.prefix === "string" ? args.values.prefix : undefined;
        const cursor = typeof args.values.cursor === "string" ? args.values.cursor : undefined;
        const r = await client.kvList(ns, { prefix, cursor, limit: intOption(args, "limit", 1, 1000) });
        out.result({ namespace: ns, ...r });
        for (const k of r.keys) {
          const notes = [k.metadata !== undefined ? `metadata ${JSON.stringify(k.metadata)}` : "", k.expiration ? `expires ${new Date(k.expiration * 1000).toISOString()}` : ""].filter(Boolean);
          out.info(notes.length ? `${k.name}  ${out.dim(notes.join(" · "))}` : k.name);
        }
        if (r.keys.length === 0) out.info(out.dim(`no keys${prefix ? ` with prefix '${prefix}'` : ""} in ${ns}`));
        if (!r.list_complete && r.cursor) out.info(out.dim(`more keys: outpost kv list ${nsName}${prefix ? ` --prefix '${prefix}'` : ""} --cursor ${r.cursor}`));
        return 0;
      }
    }
  });
}
