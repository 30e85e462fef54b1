// Conformance checks: URL and URLSearchParams parsing, serialisation and mutation (WHATWG URL).
import { throwsName } from "./util.js";

export default {
  "url.parse": () => {
    const u = new URL("https://user:pw@Example.COM:8080/a/./b/../c?x=1&y=%20#frag");
    return [u.href, u.origin, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.username, u.password];
  },
  "url.relative": () => [new URL("../d?q", "https://e.test/a/b/c").href, new URL("//other.test/p", "https://e.test").href],
  "url.idna": () => [new URL("https://münchen.example/").hostname, new URL("https://xn--mnchen-3ya.example/").hostname],
  "url.ipv6": () => new URL("http://[0:0::1]:80/").href,
  "url.invalid": () => throwsName(() => new URL("http://exa mple.com")),
  "url.canParse": () => [URL.canParse("x:/y"), URL.canParse("nope"), URL.canParse("/p", "https://e.test")],
  "url.searchParams": () => {
    const p = new URLSearchParams("b=2&a=1&a=3&c=%F0%9F%98%80+x");
    p.append("d", "é&=");
    p.sort();
    return [p.toString(), p.getAll("a"), p.get("c"), p.has("a", "3"), p.size];
  },
  "url.mutate": () => {
    const u = new URL("https://e.test/path");
    u.searchParams.set("k", "v w");
    u.pathname = "/a b";
    u.hash = "h";
    u.port = "443";
    return u.href;
  },
};
