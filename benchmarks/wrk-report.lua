-- wrk's summary as one JSON line (latencies in microseconds), read by benchmarks/loadtest.py.
-- wrk-requests.lua loads this file for summary_fields and adds its own fields to the line.
function summary_fields(summary, latency)
  local errors = summary.errors
  return string.format(
    '"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "status_errors": %d',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, errors.status)
end

done = function(summary, latency, requests)
  io.write("LOADTEST {" .. summary_fields(summary, latency) .. "}\n")
end
