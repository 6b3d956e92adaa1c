-- wrk script: at the end of a run, one machine-readable line with the
-- throughput, latency percentiles (microseconds) and every kind of error, so
-- run.sh never has to parse wrk's human-oriented text. wrk counts a response
-- with status >= 400 as a status error; the servers measured here send no
-- 1xx or 3xx, so any non-2xx answer shows up there.
-- A POST scenario: run.sh exports WRK_BODY, sent as a JSON body.
local body = os.getenv("WRK_BODY")
if body ~= nil and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    "tool=wrk requests=%d duration_s=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "errors=%d connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    errors, e.connect, e.read, e.write, e.status, e.timeout))
end
