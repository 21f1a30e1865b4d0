-- wrk scenario for benchmarks/load.py: each connection walks the read mix in turn, pages with the
-- session cookie, the API with the personal token (both from the environment), and at the end the
-- figures are printed as one JSON line that load.py reads.
local cookie = os.getenv("ACCORD_LOAD_COOKIE")
local token = os.getenv("ACCORD_LOAD_TOKEN")
local paths = {}
for path in string.gmatch(os.getenv("ACCORD_LOAD_PATHS"), "[^,]+") do table.insert(paths, path) end

local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", counter * 7)
  counter = counter + 1
  table.insert(threads, thread)
end

unexpected = ""  -- the status of each answer that was not a 200, per thread
function response(status, headers, body)
  if status ~= 200 and #unexpected < 2000 then unexpected = unexpected .. status .. " " end
end

local n = 0
function request()
  n = n + 1
  local path = paths[((n + (offset or 0)) % #paths) + 1]
  local headers = {}
  if string.sub(path, 1, 5) == "/api/" then
    headers["Authorization"] = "Bearer " .. token
  else
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local seen = thread:get("unexpected")
    if seen ~= "" then io.write("ACCORD_UNEXPECTED " .. seen .. "\n") end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'ACCORD_LOAD {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
