-- tests/lib/load.lua: the wrk script of the fault and soak tests.
--
--   wrk ... -s load.lua URL -- [FILE HEADER] ["Name: value" ...]
--
-- With FILE and HEADER every request carries HEADER set to the next line
-- of FILE (a token, or "name=value" for Cookie), round-robin; the other
-- arguments are fixed headers. done() prints one line for load.sh:
--   load: requests=N connect=N read=N write=N timeout=N max_ms=N
--         statuses=200:N,503:N no_retry_after=N first_bad_ms=T last_ok_ms=T
-- no_retry_after counts 503 answers without a Retry-After header;
-- first_bad_ms is when the first non-2xx answer came, last_ok_ms the last
-- 2xx (milliseconds since the epoch, 0 when there was none).

local threads = {}

-- Wall-clock milliseconds (wrk's LuaJIT has ffi; os.time is in seconds).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } load_timeval;
int gettimeofday(load_timeval *tv, void *tz);
]]
local tv = ffi.new("load_timeval")
local function now_ms()
   ffi.C.gettimeofday(tv, nil)
   return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
end

function setup(thread)
   table.insert(threads, thread)
end

local lines = {}
local nlines = 0
local at = 0
local header
local extra = {}
statuses = {}
no_retry_after = 0
first_bad = 0
last_ok = 0

function init(args)
   local first = 1
   if args[1] ~= nil and not string.find(args[1], ":") then
      header = args[2]
      for line in io.lines(args[1]) do
         if line ~= "" then
            nlines = nlines + 1
            lines[nlines] = line
         end
      end
      if nlines == 0 or header == nil then
         error("usage: -- [FILE HEADER] [\"Name: value\" ...]")
      end
      first = 3
   end
   for i = first, #args do
      local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
      if name == nil then
         error("header \"" .. args[i] .. "\" is not \"Name: value\"")
      end
      extra[name] = value
   end
   at = math.random(nlines > 0 and nlines or 1)
end

function request()
   local h = {}
   for name, value in pairs(extra) do
      h[name] = value
   end
   if nlines > 0 then
      at = at % nlines + 1
      h[header] = lines[at]
   end
   return wrk.format(nil, nil, h)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status >= 200 and status < 300 then
      last_ok = now_ms()
   elseif first_bad == 0 then
      first_bad = now_ms()
   end
   if status == 503 and headers["Retry-After"] == nil and
      headers["retry-after"] == nil then
      no_retry_after = no_retry_after + 1
   end
end

function done(summary, latency, requests)
   local seen = {}
   local nra, fb, lo = 0, 0, 0
   for _, t in ipairs(threads) do
      nra = nra + t:get("no_retry_after")
      local b, o = t:get("first_bad"), t:get("last_ok")
      if b > 0 and (fb == 0 or b < fb) then fb = b end
      if o > lo then lo = o end
      for status, n in pairs(t:get("statuses")) do
         seen[status] = (seen[status] or 0) + n
      end
   end
   local list = {}
   for status, n in pairs(seen) do
      table.insert(list, status .. ":" .. n)
   end
   table.sort(list)
   local e = summary.errors
   io.write(string.format(
      "load: requests=%d connect=%d read=%d write=%d timeout=%d " ..
      "max_ms=%d statuses=%s no_retry_after=%d first_bad_ms=%.0f " ..
      "last_ok_ms=%.0f\n",
      summary.requests, e.connect, e.read, e.write, e.timeout,
      math.floor(latency.max / 1000 + 0.5),
      #list > 0 and table.concat(list, ",") or "-", nra, fb, lo))
end
