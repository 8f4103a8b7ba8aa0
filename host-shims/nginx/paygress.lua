-- paygress.lua - Paygress in NGINX (Debian nginx + libnginx-mod-http-lua, OpenResty, ingress-nginx)
-- through LuaJIT FFI over libpaygress.so (the same paygress.wasm Envoy runs, translated by wasm2c,
-- hosted by a small C shim: host-shims/c/paygress.h).
--
--   init_by_lua_block        { require("paygress") }        -- master: creates the shared store
--   init_worker_by_lua_block { require("paygress").init(config_json, opts) }
--   access_by_lua_block      { require("paygress").access() }
--   header_filter_by_lua_block { require("paygress").header_filter() }
--   log_by_lua_block         { require("paygress").log() }
--   location = /metrics      { content_by_lua_block { require("paygress").metrics() } }
--
-- One instance of the gate per worker process. The shared store (earnings counters that must stay
-- unique across workers, and metrics) is an anonymous MAP_SHARED region created when this module
-- is first required in the master (init_by_lua*, which runs before the workers fork; ingress-nginx
-- requires its plugins there too). Required first in a worker instead, each worker gets a private
-- store: still correct (the mint refuses a counter twice and the gate moves on) but workers then
-- contend for the same counters; a warning says so.
--
-- Mint calls use cosockets (non-blocking; the worker serves other requests meanwhile) with the
-- mint's timeout_ms as the deadline of the whole call. The configuration's `cluster` names map to
-- URLs through opts.clusters; an unmapped cluster "host:port" is used as is (port 443: https).
--
-- opts (all optional):
--   clusters  = { [name] = "http://host:port" | "https://host[:port]" }
--   env       = { NAME = "value" }   extra WASI environment (default: the worker's environment,
--                                    i.e. the variables kept by `env NAME;` directives)
--   library   = "/path/to/libpaygress.so"   (default: $PAYGRESS_LIB, then package.cpath, then the
--                                    system library path)
--   log_level = 2                    lowest proxy-wasm level logged (0 trace .. 5 critical)
--   max_memory_mb = 128              linear memory limit of the module
--   ssl_verify = true                verify mint certificates (needs lua_ssl_trusted_certificate)
--   keepalive_ms = 60000, keepalive_pool = 16   cosocket pool for mint connections
local ffi = require("ffi")

local M = { _VERSION = "0.1.0" }

ffi.cdef [[
typedef struct paygress paygress;
typedef struct paygress_request paygress_request;
typedef struct paygress_shared paygress_shared;
typedef struct paygress_header { const char *name; size_t name_len; const char *value; size_t value_len; } paygress_header;
typedef struct paygress_request_info {
  const char *method; size_t method_len;
  const char *path; size_t path_len;
  const char *authority; size_t authority_len;
  const char *scheme; size_t scheme_len;
  const paygress_header *headers; size_t header_count;
} paygress_request_info;
typedef struct paygress_decision {
  int kind; uint32_t status;
  const paygress_header *headers; size_t header_count;
  const char *body; size_t body_len;
  const char *cluster; size_t cluster_len;
  const char *method; size_t method_len;
  const char *path; size_t path_len;
  const char *authority; size_t authority_len;
  uint32_t timeout_ms; int internal_error;
  const paygress_header *request_changes; size_t request_change_count;
} paygress_decision;
typedef struct paygress_event {
  int kind; int level;
  const char *text; size_t text_len;
  const char *labels; size_t labels_len;
  int64_t value;
} paygress_event;
typedef struct paygress_options {
  const char *const *env; size_t env_count;
  paygress_shared *shared;
  uint32_t max_memory_mb;
  int min_log_level;
  uint64_t (*now_ns)(void *ctx);
  void *clock_ctx;
} paygress_options;
const char *paygress_version(void);
void paygress_free(void *p);
paygress_shared *paygress_shared_create(uint32_t kv_capacity, uint32_t metric_capacity);
paygress *paygress_create(const char *config, size_t config_len, const paygress_options *opts, char **error);
void paygress_destroy(paygress *p);
const paygress_event *paygress_events(paygress *p, size_t *count);
char *paygress_prometheus(paygress *p, size_t *len);
uint64_t paygress_trap_count(const paygress *p);
paygress_request *paygress_request_new(paygress *p);
const paygress_decision *paygress_request_headers(paygress_request *r, const paygress_request_info *info);
const paygress_decision *paygress_call_response(paygress_request *r, uint32_t status, const char *body, size_t body_len);
const paygress_header *paygress_response_headers(paygress_request *r, size_t *count);
void paygress_request_finish(paygress_request *r);
void paygress_request_abandon(paygress_request *r, uint32_t status, const char *body, size_t body_len);
extern char **environ;
]]

local CONTINUE, RESPOND, CALL = 0, 1, 2
local EVENT_LOG = 0

local ngx = ngx
local ffi_string = ffi.string
local C = ffi.C

local lib           -- the loaded libpaygress.so
local shared        -- paygress_shared* (created in the master)
local inst          -- paygress* of this worker
local opts_g = {}
local clusters = {}
local open = {}      -- open requests of this worker: [request cdata] = start time (leak sweep)
local info = ffi.new("paygress_request_info")
local MAX_HEADERS = 32
local hdrs = ffi.new("paygress_header[?]", MAX_HEADERS)
local size_box = ffi.new("size_t[1]")
local err_box = ffi.new("char*[1]")

local LEVELS = { [0] = ngx.DEBUG, ngx.DEBUG, ngx.INFO, ngx.WARN, ngx.ERR, ngx.CRIT }

local function load_library(path)
  if lib then return lib end
  local candidates = {}
  if path then candidates[#candidates + 1] = path end
  local env = os.getenv("PAYGRESS_LIB")
  if env and env ~= "" then candidates[#candidates + 1] = env end
  local found = package.searchpath and package.searchpath("libpaygress", package.cpath)
  if found then candidates[#candidates + 1] = found end
  candidates[#candidates + 1] = "paygress" -- libpaygress.so on the system library path
  local errors = {}
  for _, c in ipairs(candidates) do
    local ok, l = pcall(ffi.load, c)
    if ok then
      lib = l
      return lib
    end
    errors[#errors + 1] = tostring(l)
  end
  error("paygress: cannot load libpaygress.so (" .. table.concat(errors, "; ") .. ")", 2)
end

--- Loads the library and creates the shared store. Call it in init_by_lua* (the master), before
--- the workers fork; requiring the module there does it with default options.
function M.init_shared(o)
  o = o or {}
  load_library(o.library)
  if shared == nil then
    local s = lib.paygress_shared_create(o.kv_capacity or 0, o.metric_capacity or 0)
    if s == nil then error("paygress: cannot create the shared store (mmap failed)") end
    shared = s
  end
  return true
end

if ngx.get_phase() == "init" then
  -- In the master: create the store the workers will inherit. A library that cannot be found yet
  -- (its path is only given to init()) is not an error here: init() reports it.
  pcall(M.init_shared)
end

local function process_env()
  local out, i = {}, 0
  local envp = C.environ
  if envp == nil then return out end
  while envp[i] ~= nil do
    out[#out + 1] = ffi_string(envp[i])
    i = i + 1
  end
  return out
end

local function drain_events()
  local ev = lib.paygress_events(inst, size_box)
  local n = tonumber(size_box[0])
  for i = 0, n - 1 do
    local e = ev[i]
    if e.kind == EVENT_LOG then
      ngx.log(LEVELS[e.level] or ngx.ERR, ffi_string(e.text, e.text_len))
    end
  end
end

local function sweep()
  -- Requests whose log phase never ran (an internal redirect dropped ngx.ctx): finish them after
  -- ten minutes so neither the C side nor the module keeps them.
  local limit = ngx.now() - 600
  for r, t in pairs(open) do
    if t < limit then
      open[r] = nil
      lib.paygress_request_finish(r)
      drain_events()
    end
  end
end

--- Creates this worker's instance. config_json: the plugin configuration (the same JSON Envoy
--- takes); opts: see the top of this file. Call it in init_worker_by_lua*.
function M.init(config_json, o)
  o = o or {}
  opts_g = o
  load_library(o.library)
  clusters = o.clusters or {}
  local env = process_env()
  for k, v in pairs(o.env or {}) do env[#env + 1] = k .. "=" .. v end
  local env_c = ffi.new("const char *[?]", #env + 1)
  for i, kv in ipairs(env) do env_c[i - 1] = kv end
  local po = ffi.new("paygress_options")
  po.env = env_c
  po.env_count = #env
  po.shared = shared
  po.max_memory_mb = o.max_memory_mb or 0
  po.min_log_level = o.log_level or 2
  if shared == nil and ngx.worker.count() > 1 then
    ngx.log(ngx.WARN, "paygress: no shared store (require(\"paygress\") in init_by_lua* to create one): ",
      "workers hand out earnings counters independently and will collide at the mint")
  end
  local p = lib.paygress_create(config_json, #config_json, po, err_box)
  local _ = env, env_c -- keep the strings alive through the call
  if p == nil then
    local msg = err_box[0] ~= nil and ffi_string(err_box[0]) or "unknown error"
    lib.paygress_free(err_box[0])
    ngx.log(ngx.CRIT, "paygress: ", msg)
    error("paygress: " .. msg)
  end
  inst = ffi.gc(p, lib.paygress_destroy)
  drain_events()
  if ngx.timer and ngx.timer.every then ngx.timer.every(60, sweep) end
  return true
end

-- ---- mint calls over cosockets -------------------------------------------------------------------

local function target_of(cluster)
  local url = clusters[cluster]
  local scheme, host, port
  if url then
    scheme, host, port = url:match("^(https?)://%[?([^%]/]-)%]?:(%d+)/?$")
    if not scheme then
      scheme, host = url:match("^(https?)://([^/:]+)/?$")
      port = scheme == "https" and 443 or 80
    end
    if not scheme then return nil, "bad URL for cluster " .. cluster .. ": " .. url end
  else
    host, port = cluster:match("^([^:]+):(%d+)$")
    if not host then host, port = cluster, 80 end
    scheme = tonumber(port) == 443 and "https" or "http"
  end
  return { scheme = scheme, host = host, port = tonumber(port) }
end

local function read_chunked(sock, remaining)
  local parts = {}
  while true do
    local t = remaining()
    if not t then return nil, "timeout" end
    sock:settimeout(t)
    local line, err = sock:receive("*l")
    if not line then return nil, err end
    local size = tonumber(line:match("^%s*(%x+)"), 16)
    if not size then return nil, "bad chunk size" end
    if size == 0 then
      repeat -- trailers until the empty line
        line, err = sock:receive("*l")
        if not line then return nil, err end
      until line == ""
      return table.concat(parts)
    end
    local data
    data, err = sock:receive(size)
    if not data then return nil, err end
    parts[#parts + 1] = data
    sock:receive(2) -- CRLF
  end
end

--- Performs one HTTP/1.1 call within the deadline. Returns status (0 on any failure) and body.
local function http_call(call)
  local tgt, terr = target_of(call.cluster)
  if not tgt then return 0, nil, terr end
  local deadline = ngx.now() + call.timeout_ms / 1000
  local function remaining()
    ngx.update_time()
    local ms = math.floor((deadline - ngx.now()) * 1000)
    if ms < 1 then return nil end
    return ms
  end
  local sock = ngx.socket.tcp()
  local t = remaining()
  if not t then return 0, nil, "timeout" end
  sock:settimeout(t)
  local pool = tgt.scheme .. ":" .. tgt.host .. ":" .. tgt.port
  local ok, err = sock:connect(tgt.host, tgt.port, { pool = pool })
  if not ok then return 0, nil, "connect: " .. tostring(err) end
  if tgt.scheme == "https" and sock:getreusedtimes() == 0 then
    t = remaining()
    if not t then sock:close() return 0, nil, "timeout" end
    sock:settimeout(t)
    ok, err = sock:sslhandshake(nil, call.authority:match("^[^:]+") or tgt.host, opts_g.ssl_verify ~= false)
    if not ok then sock:close() return 0, nil, "tls: " .. tostring(err) end
  end
  local req = { call.method, " ", call.path, " HTTP/1.1\r\nHost: ", call.authority ~= "" and call.authority or tgt.host, "\r\n" }
  for _, h in ipairs(call.headers) do
    req[#req + 1] = h[1] .. ": " .. h[2] .. "\r\n"
  end
  req[#req + 1] = "Content-Length: " .. #call.body .. "\r\nConnection: keep-alive\r\n\r\n"
  req[#req + 1] = call.body
  t = remaining()
  if not t then sock:close() return 0, nil, "timeout" end
  sock:settimeout(t)
  ok, err = sock:send(req)
  if not ok then sock:close() return 0, nil, "send: " .. tostring(err) end
  t = remaining()
  if not t then sock:close() return 0, nil, "timeout" end
  sock:settimeout(t)
  local line
  line, err = sock:receive("*l")
  if not line then sock:close() return 0, nil, "receive: " .. tostring(err) end
  local status = tonumber(line:match("^HTTP/1%.[01] (%d%d%d)"))
  if not status then sock:close() return 0, nil, "bad status line" end
  local length, chunked, close = nil, false, false
  while true do
    t = remaining()
    if not t then sock:close() return 0, nil, "timeout" end
    sock:settimeout(t)
    line, err = sock:receive("*l")
    if not line then sock:close() return 0, nil, "receive: " .. tostring(err) end
    if line == "" then break end
    local k, v = line:match("^([^:]+):%s*(.-)%s*$")
    if k then
      k = k:lower()
      if k == "content-length" then length = tonumber(v)
      elseif k == "transfer-encoding" and v:lower():find("chunked", 1, true) then chunked = true
      elseif k == "connection" and v:lower():find("close", 1, true) then close = true end
    end
  end
  local body
  if chunked then
    body, err = read_chunked(sock, remaining)
  elseif length then
    if length > 0 then
      t = remaining()
      if not t then sock:close() return 0, nil, "timeout" end
      sock:settimeout(t)
      body, err = sock:receive(length)
    else
      body = ""
    end
  else
    close = true
    t = remaining()
    if not t then sock:close() return 0, nil, "timeout" end
    sock:settimeout(t)
    body, err = sock:receive("*a")
  end
  if not body then sock:close() return 0, nil, "receive body: " .. tostring(err) end
  if close then sock:close() else sock:setkeepalive(opts_g.keepalive_ms or 60000, opts_g.keepalive_pool or 16) end
  return status, body
end

local function call_of(d)
  local headers = {}
  for i = 0, tonumber(d.header_count) - 1 do
    local h = d.headers[i]
    headers[#headers + 1] = { ffi_string(h.name, h.name_len), ffi_string(h.value, h.value_len) }
  end
  return {
    cluster = ffi_string(d.cluster, d.cluster_len),
    method = ffi_string(d.method, d.method_len),
    path = ffi_string(d.path, d.path_len),
    authority = ffi_string(d.authority, d.authority_len),
    headers = headers,
    body = d.body ~= nil and ffi_string(d.body, d.body_len) or "",
    timeout_ms = tonumber(d.timeout_ms),
  }
end

-- ---- phases -----------------------------------------------------------------------------------

local function respond(d)
  local status = tonumber(d.status)
  local body = d.body ~= nil and ffi_string(d.body, d.body_len) or ""
  ngx.status = status
  for i = 0, tonumber(d.header_count) - 1 do
    local h = d.headers[i]
    ngx.header[ffi_string(h.name, h.name_len)] = ffi_string(h.value, h.value_len)
  end
  ngx.header["Content-Length"] = #body
  ngx.print(body)
  return ngx.exit(ngx.HTTP_OK)
end

local PAYMENT_HEADERS = { "x-cashu", "authorization", "x-paygress-pass", "cookie" }

--- Applies what the gate asks to change before the request goes upstream: the payment credentials
--- removed, the Cookie header without the pass cookie, the canonical path that was priced.
local function apply_changes(d)
  for i = 0, tonumber(d.request_change_count) - 1 do
    local c = d.request_changes[i]
    local name = ffi_string(c.name, c.name_len)
    if name == ":path" then
      -- The canonical target, percent-encoded, with the query as received. set_uri takes the
      -- decoded path (NGINX escapes it again when proxying); the query is set as is.
      local target = ffi_string(c.value, c.value_len)
      local q = target:find("?", 1, true)
      local p = q and target:sub(1, q - 1) or target
      ngx.req.set_uri(ngx.unescape_uri(p), false, true)
      if q then ngx.req.set_uri_args(target:sub(q + 1)) end
    elseif c.value == nil then
      ngx.req.clear_header(name)
    else
      ngx.req.set_header(name, ffi_string(c.value, c.value_len))
    end
  end
end

local function client_gone()
  ngx.ctx.paygress_gone = true
end

--- access_by_lua*: pass, challenge (402/400/503: the request ends here), or pay at the mint.
--- With `lua_check_client_abort on;` a client that hangs up while the mint is being asked gets no
--- swap (its token stays unspent), as in Envoy; without it NGINX notices only when it writes.
function M.access()
  if not inst then
    ngx.status = 503
    ngx.header["Content-Type"] = "application/json"
    ngx.header["Retry-After"] = "5"
    ngx.print('{"error":"paygress_not_configured","message":"the payment gate is not initialised (paygress.init in init_worker_by_lua*)"}')
    return ngx.exit(ngx.HTTP_OK)
  end
  local var = ngx.var
  local ctx = ngx.ctx
  local req = lib.paygress_request_new(inst)
  if req == nil then return ngx.exit(ngx.HTTP_INTERNAL_SERVER_ERROR) end
  ctx.paygress = req
  open[req] = ngx.now()
  -- The raw request target, and the host NGINX routes on ($host: the absolute-form URI's host
  -- wins over a client's Host header); no "host" header is passed, so the two are not compared.
  local method, path, host, scheme = var.request_method, var.request_uri, var.host, var.scheme
  info.method, info.method_len = method, #method
  info.path, info.path_len = path, #path
  info.authority, info.authority_len = host, #host
  info.scheme, info.scheme_len = scheme, #scheme
  -- The headers the gate decides on, every value of each. A request carrying a token (the payment
  -- path) gets them all from ngx.req.get_headers(); the pass path reads the variables (the first
  -- X-Paygress-Pass value; NGINX joins several Cookie headers into $http_cookie).
  local keep = { } -- the Lua strings the C struct points to, alive through the call
  local n = 0
  local function add(name, value)
    if n >= MAX_HEADERS then return end
    keep[#keep + 1] = value
    hdrs[n].name, hdrs[n].name_len = name, #name
    hdrs[n].value, hdrs[n].value_len = value, #value
    n = n + 1
  end
  if var.http_x_cashu or var.http_authorization then
    local all = ngx.req.get_headers(200, true)
    for _, name in ipairs(PAYMENT_HEADERS) do
      for k, v in pairs(all) do
        if k:lower() == name then
          if type(v) == "table" then
            for _, x in ipairs(v) do add(name, x) end
          else
            add(name, v)
          end
        end
      end
    end
  else
    local pass, cookie = var.http_x_paygress_pass, var.http_cookie
    if pass then add("x-paygress-pass", pass) end
    if cookie then add("cookie", cookie) end
  end
  info.headers, info.header_count = hdrs, n
  local d = lib.paygress_request_headers(req, info)
  drain_events()
  if d.kind == CALL then pcall(ngx.on_abort, client_gone) end -- errors when lua_check_client_abort is off
  while d.kind == CALL do
    local call = call_of(d)
    local status, body, err = http_call(call)
    if status == 0 then
      ngx.log(ngx.WARN, "paygress: mint call ", call.method, " ", call.path, " (cluster ", call.cluster, ") failed: ", err or "?")
    end
    if ctx.paygress_gone then
      -- The client left: end the exchange like Envoy on a stream reset (nothing new is started
      -- for it; a swap already sent is recorded).
      ctx.paygress = nil
      open[req] = nil
      lib.paygress_request_abandon(req, status, body, body and #body or 0)
      drain_events()
      return ngx.exit(499)
    end
    d = lib.paygress_call_response(req, status, body, body and #body or 0)
    drain_events()
  end
  if d.kind == RESPOND then
    ctx.paygress_local = true
    return respond(d)
  end
  local _ = keep
  apply_changes(d)
end

--- header_filter_by_lua*: adds the pass, change and receipt to the upstream's response after a
--- payment (nothing otherwise).
function M.header_filter()
  local ctx = ngx.ctx
  local req = ctx.paygress
  if req == nil or ctx.paygress_local then return end
  local h = lib.paygress_response_headers(req, size_box)
  local n = tonumber(size_box[0])
  drain_events()
  for i = 0, n - 1 do
    local name = ffi_string(h[i].name, h[i].name_len)
    local value = ffi_string(h[i].value, h[i].value_len)
    local existing = ngx.header[name]
    if existing == nil then
      ngx.header[name] = value
    elseif type(existing) == "table" then
      existing[#existing + 1] = value
      ngx.header[name] = existing
    else
      ngx.header[name] = { existing, value }
    end
  end
end

--- log_by_lua*: ends the exchange; the module counts it in its metrics and writes the audit line
--- of a payment (to the error log at info level).
function M.log()
  local ctx = ngx.ctx
  local req = ctx.paygress
  if req == nil then return end
  ctx.paygress = nil
  open[req] = nil
  lib.paygress_request_finish(req)
  drain_events()
end

--- content_by_lua*: the metrics of every worker in Prometheus text format.
function M.metrics()
  if not lib or not inst then return ngx.exit(ngx.HTTP_SERVICE_UNAVAILABLE) end
  local text = lib.paygress_prometheus(inst, size_box)
  if text == nil then return ngx.exit(ngx.HTTP_INTERNAL_SERVER_ERROR) end
  local s = ffi_string(text, size_box[0])
  lib.paygress_free(text)
  ngx.header["Content-Type"] = "text/plain; version=0.0.4"
  ngx.print(s)
end

--- The library's version string and this worker's trap count (diagnostics).
function M.status()
  return {
    version = lib and ffi_string(lib.paygress_version()) or nil,
    shared = shared ~= nil,
    traps = inst and tonumber(lib.paygress_trap_count(inst)) or nil,
  }
end

return M
