-- wrk: POST a JSON body, each request a new one, as a real client files new complaints.
--
--   wrk -c 32 -d 10s -s tests/bench/post_unique.lua URL -- BODY_FILE RUN_TAG
--
-- Each request gets a fresh Idempotency-Key, and the body's __UNIQUE__ mark is replaced by the same fresh
-- value (a new complaint, not a resubmission of one). RUN_TAG keeps the values of two runs apart.
-- done() prints one JSON line: requests, seconds, rps, p50_ms, p99_ms and the errors (status: > 399).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  template = file:read("*a")
  file:close()
  tag = (args[2] or "run") .. "-" .. thread_no
end

function request()
  counter = counter + 1
  local unique = tag .. "-" .. counter
  local body = template:gsub("__UNIQUE__", unique)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = unique,
  }
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
