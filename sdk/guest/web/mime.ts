// MIME type parsing and serialisation (WHATWG MIME Sniffing §4.4-4.5), for a Content-Type header read by
// the Body fixes: the type a body's Blob gets, and the boundary of a multipart/form-data body.

export interface MimeType {
  /** `type/subtype`, lowercased. */
  essence: string;
  /** Parameter names lowercased; the first of a repeated name wins. */
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QUOTED_CHARS = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
const WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** The MIME type `input` names, or null when it is not one. */
export function parseMimeType(input: string): MimeType | null {
  const s = input.replace(WS, "");
  const slash = s.indexOf("/");
  const semi = s.indexOf(";", slash);
  const type = s.slice(0, slash);
  const subtype = s.slice(slash + 1, semi < 0 ? s.length : semi).replace(WS, "");
  if (slash < 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const params = new Map<string, string>();
  let i = semi < 0 ? s.length : semi;
  while (i < s.length) {
    i++; // past ";"
    while (/[\t\n\r ]/.test(s[i] ?? "")) i++;
    let end = i;
    while (end < s.length && s[end] !== ";" && s[end] !== "=") end++;
    const name = s.slice(i, end).toLowerCase();
    i = end;
    if (s[i] !== "=") continue;
    i++;
    let value = "";
    if (s[i] === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) value += s[i] === "\\" && i + 1 < s.length ? s[++i] : s[i];
      while (i < s.length && s[i] !== ";") i++;
    } else {
      end = s.indexOf(";", i);
      if (end < 0) end = s.length;
      value = s.slice(i, end).replace(WS, "");
      i = end;
      if (!value) continue;
    }
    if (TOKEN.test(name) && QUOTED_CHARS.test(value) && !params.has(name)) params.set(name, value);
  }
  return { essence: `${type}/${subtype}`.toLowerCase(), params };
}

export function serializeMimeType(mime: MimeType): string {
  let out = mime.essence;
  for (const [name, value] of mime.params) {
    out += `;${name}=${TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`}`;
  }
  return out;
}
