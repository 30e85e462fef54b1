// A wasi:http/incoming-handler@0.2.0 handler in plain C: answers every request with 200 and
// {"lang":"c","path":"<path-with-query>","method":"<METHOD>"} (and traps on `/trap`, for the runtime's tests), with the canonical-ABI imports
// and exports written by hand (no wit-bindgen). Uses only malloc/realloc/free/memcpy from
// wasi-libc, so the core module has no wasi_snapshot_preview1 imports and needs no adapter.
//
// Canonical ABI notes (wasm32): resources are i32 handles; a string or list is (ptr, len);
// results that flatten to more than one value are written by the callee to a "return area"
// whose address is the last parameter; the host allocates returned strings with our
// cabi_realloc export, so we free them.

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_TYPES "wasi:http/types@0.2.0"
#define IO_STREAMS "wasi:io/streams@0.2.0"
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

typedef int32_t handle_t;

// ---- wasi:http/types@0.2.0 -------------------------------------------------------------------

// constructor fields() -> fields
IMPORT(HTTP_TYPES, "[constructor]fields") extern handle_t fields_new(void);
// fields.append(name: string, value: list<u8>) -> result<_, header-error>; ret: u8 tag, u8 error
IMPORT(HTTP_TYPES, "[method]fields.append")
extern void fields_append(handle_t self, const char *name, size_t name_len, const uint8_t *value, size_t value_len, uint8_t *ret);

// incoming-request.method() -> method; ret: u8 tag @0, other(string) ptr @4, len @8
IMPORT(HTTP_TYPES, "[method]incoming-request.method") extern void incoming_request_method(handle_t self, uint8_t *ret);
// incoming-request.path-with-query() -> option<string>; ret: u8 tag @0, ptr @4, len @8
IMPORT(HTTP_TYPES, "[method]incoming-request.path-with-query") extern void incoming_request_path_with_query(handle_t self, uint8_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]incoming-request") extern void incoming_request_drop(handle_t self);

// constructor outgoing-response(headers: own<headers>) -> outgoing-response
IMPORT(HTTP_TYPES, "[constructor]outgoing-response") extern handle_t outgoing_response_new(handle_t headers);
// outgoing-response.set-status-code(status: u16) -> result (0 = ok)
IMPORT(HTTP_TYPES, "[method]outgoing-response.set-status-code") extern int32_t outgoing_response_set_status_code(handle_t self, int32_t status);
// outgoing-response.body() -> result<own<outgoing-body>>; ret: u8 tag @0, handle @4
IMPORT(HTTP_TYPES, "[method]outgoing-response.body") extern void outgoing_response_body(handle_t self, uint8_t *ret);

// static response-outparam.set(param, response: result<outgoing-response, error-code>):
// the result flattens to (tag, then the joined flat types of the ok and error cases).
IMPORT(HTTP_TYPES, "[static]response-outparam.set")
extern void response_outparam_set(handle_t param, int32_t tag, int32_t payload0, int32_t p1, int64_t p2, int32_t p3, int32_t p4, int32_t p5, int32_t p6);

// outgoing-body.write() -> result<own<output-stream>>; ret: u8 tag @0, handle @4
IMPORT(HTTP_TYPES, "[method]outgoing-body.write") extern void outgoing_body_write(handle_t self, uint8_t *ret);
// static outgoing-body.finish(this: own<outgoing-body>, trailers: option<trailers>) -> result<_, error-code>
IMPORT(HTTP_TYPES, "[static]outgoing-body.finish")
extern void outgoing_body_finish(handle_t self, int32_t trailers_tag, handle_t trailers, uint8_t *ret);

// ---- wasi:io/streams@0.2.0 -------------------------------------------------------------------

// output-stream.blocking-write-and-flush(contents: list<u8>) -> result<_, stream-error>;
// ret: u8 tag @0, stream-error u8 tag @4, error handle @8. At most 4096 bytes per call.
IMPORT(IO_STREAMS, "[method]output-stream.blocking-write-and-flush")
extern void output_stream_blocking_write_and_flush(handle_t self, const uint8_t *data, size_t len, uint8_t *ret);
IMPORT(IO_STREAMS, "[resource-drop]output-stream") extern void output_stream_drop(handle_t self);
IMPORT("wasi:io/error@0.2.0", "[resource-drop]error") extern void io_error_drop(handle_t self);
IMPORT(HTTP_TYPES, "[resource-drop]outgoing-body") extern void outgoing_body_drop(handle_t self);

// ---- helpers ---------------------------------------------------------------------------------

// One return area, big and aligned enough for every call above (error-code holds a u64).
static _Alignas(8) uint8_t ret_area[64];

static uint32_t load_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

// Anything unexpected traps: the host discards the instance and answers 500.
__attribute__((noreturn)) static void fail(void) { __builtin_trap(); }

typedef struct { char *data; size_t len, cap; } buf_t;

static void buf_put(buf_t *b, const char *s, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) fail();
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

static void buf_str(buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }

// Appends s as the inside of a JSON string: quotes, backslashes and control bytes escaped;
// other bytes (UTF-8 included) copied as they are.
static void buf_json(buf_t *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      buf_put(b, esc, 2);
    } else if (c < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      buf_put(b, esc, 6);
    } else {
      buf_put(b, (const char *)&c, 1);
    }
  }
}

static const char *const METHODS[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

// ---- exports ---------------------------------------------------------------------------------

// The host allocates the strings it returns to us (method other(..), path-with-query) here.
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(ptr, new_size); // dlmalloc: 16-byte aligned, enough for any align here
  if (!p) fail();
  return p;
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.0#handle")))
void handle(handle_t request, handle_t response_out) {
  buf_t body = {0};
  buf_str(&body, "{\"lang\":\"c\",\"path\":\"");

  incoming_request_path_with_query(request, ret_area);
  if (ret_area[0] == 1) { // some(path); none (no path) gives ""
    char *path = (char *)(uintptr_t)load_u32(ret_area + 4);
    uint32_t len = load_u32(ret_area + 8);
    // `/trap` executes `unreachable`: the runtime must discard this instance and start another.
    if (len >= 5 && memcmp(path, "/trap", 5) == 0 && (len == 5 || path[5] == '?')) __builtin_trap();
    buf_json(&body, path, len);
    free(path);
  }
  buf_str(&body, "\",\"method\":\"");

  incoming_request_method(request, ret_area);
  uint8_t method = ret_area[0];
  if (method < sizeof METHODS / sizeof METHODS[0]) {
    buf_str(&body, METHODS[method]);
  } else { // other(string)
    char *name = (char *)(uintptr_t)load_u32(ret_area + 4);
    buf_json(&body, name, load_u32(ret_area + 8));
    free(name);
  }
  buf_str(&body, "\"}");
  incoming_request_drop(request);

  handle_t headers = fields_new();
  static const char ct_name[] = "content-type";
  static const char ct_value[] = "application/json";
  fields_append(headers, ct_name, sizeof ct_name - 1, (const uint8_t *)ct_value, sizeof ct_value - 1, ret_area);
  if (ret_area[0] != 0) fail();

  handle_t response = outgoing_response_new(headers); // takes ownership of headers
  if (outgoing_response_set_status_code(response, 200) != 0) fail();
  outgoing_response_body(response, ret_area);
  if (ret_area[0] != 0) fail();
  handle_t out_body = (handle_t)load_u32(ret_area + 4);

  // Send the status and headers; the body follows on the stream.
  response_outparam_set(response_out, 0, response, 0, 0, 0, 0, 0, 0);

  outgoing_body_write(out_body, ret_area);
  if (ret_area[0] != 0) fail();
  handle_t stream = (handle_t)load_u32(ret_area + 4);
  int written = 1;
  for (size_t off = 0; off < body.len;) {
    size_t n = body.len - off > 4096 ? 4096 : body.len - off;
    output_stream_blocking_write_and_flush(stream, (const uint8_t *)body.data + off, n, ret_area);
    if (ret_area[0] != 0) { // the client went away: give the handles back and stop
      if (ret_area[4] == 0) io_error_drop((handle_t)load_u32(ret_area + 8)); // last-operation-failed(error)
      written = 0;
      break;
    }
    off += n;
  }
  free(body.data);
  output_stream_drop(stream); // a child of the body: dropped before finish
  if (written) {
    outgoing_body_finish(out_body, 0, 0, ret_area); // consumes the body; an error here has no one to tell
  } else {
    outgoing_body_drop(out_body); // dropping without finish tells the host the body is incomplete
  }
}
