-- wrk script: every request issues one kit to one of the load test's recipients, with its own command id.
-- Counts answers other than 201 (recorded) so the summary says how many issuances were acknowledged.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  recipients = tonumber(args[2]) or 1000
  failures = 0
  created = 0
end

function request()
  counter = counter + 1
  local recipient = string.format("L-%06d", (counter * 7 + tid * 131) % recipients + 1)
  local body = string.format(
    '{"command":"issue","command-id":"load-%010d-%d","site":"LOAD-SITE","recipient":"%s","campaign":"LOAD","item":["load-kit"]}',
    counter, tid, recipient)
  return wrk.format("POST", "/api/commands", { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else failures = failures + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("created")
    bad = bad + t:get("failures")
  end
  io.write(string.format('{"requests":%d,"created":%d,"failed":%d,"seconds":%.3f,"per_second":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, ok, bad, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
