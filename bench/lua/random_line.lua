-- bench/lua/random_line.lua: the one wrk script of bench/run.
--
--   wrk ... -s random_line.lua URL -- FILE HEADER EXPECT ["Name: value" ...]
--
-- Every request carries HEADER set to a random line of FILE (a token for
-- X-Auth-Token, "name=value" for Cookie), plus the fixed extra headers.
-- Every scenario, the floors included, goes through this same request()
-- and response(), so wrk spends the same CPU per request whatever it
-- measures: on a 2-core machine wrk shares the CPUs with what it drives.
--
-- response() counts answers whose status is not EXPECT (a 401 is the right
-- answer for a malformed token; wrk's own "non-2xx" count cannot know
-- that). done() prints one "bench:" line that bench/run parses.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("tid", next_id)
   table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
local lines = {}
local nlines = 0
local header
local extra = {}
expect = 200
unexpected = 0
statuses = {}

function init(args)
   local file = args[1]
   header = args[2]
   expect = tonumber(args[3])
   if file == nil or header == nil or expect == nil then
      error("usage: -- FILE HEADER EXPECT [\"Name: value\" ...]")
   end
   for i = 4, #args do
      local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
      if name == nil then
         error("extra header \"" .. args[i] .. "\" is not \"Name: value\"")
      end
      extra[name] = value
   end
   for line in io.lines(file) do
      if line ~= "" then
         nlines = nlines + 1
         lines[nlines] = line
      end
   end
   if nlines == 0 then
      error(file .. " has no lines")
   end
   -- Each thread its own sequence: the threads must not send the same
   -- tokens in lockstep.
   math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
   local h = { [header] = lines[math.random(nlines)] }
   for name, value in pairs(extra) do
      h[name] = value
   end
   return wrk.format(nil, nil, h)
end

function response(status, headers, body)
   if status ~= expect then
      unexpected = unexpected + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   local seen = {}
   for _, t in ipairs(threads) do
      bad = bad + t:get("unexpected")
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
      "bench: requests=%d duration_us=%d p50_us=%d p99_us=%d " ..
      "connect=%d read=%d write=%d timeout=%d non2xx=%d unexpected=%d " ..
      "unexpected_statuses=%s\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99),
      e.connect, e.read, e.write, e.timeout, e.status, bad,
      #list > 0 and table.concat(list, ",") or "-"))
end
