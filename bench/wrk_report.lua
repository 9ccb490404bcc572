-- wrk script of bench/pages.py: sends the request it is given and prints one line that
-- the bench parses, "BENCH key=value ...", with requests per second, p95 and p99 latency.
--
-- Environment (read once, as the script loads):
--   BENCH_METHOD, BENCH_BODY   a request other than GET (the sign-in form's POST)
-- Arguments after wrk's "--":
--   expect=STATUS              count the responses with this status (a sign-in that works
--                              answers 302; one that fails shows the form again with 200)

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.body = os.getenv("BENCH_BODY")

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   expected = nil
   matched = 0
   for _, arg in ipairs(args) do
      local value = arg:match("^expect=(%d+)$")
      if value then
         expected = tonumber(value)
      end
   end
   if expected == nil then
      -- wrk skips reading headers and bodies into Lua when there is no response().
      response = nil
   end
end

function response(status, headers, body)
   if status == expected then
      matched = matched + 1
   end
end

function done(summary, latency, requests)
   local expected, matched = nil, 0
   for _, thread in ipairs(threads) do
      expected = thread:get("expected")
      matched = matched + (thread:get("matched") or 0)
   end
   local seconds = summary.duration / 1e6
   local errors = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.3f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f "
         .. "max_ms=%.3f errors_connect=%d errors_read=%d errors_write=%d "
         .. "errors_status=%d errors_timeout=%d expected=%d matched=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      expected or 0, matched
   ))
end
