-- wrk script for bench/http.sh: sends the session token (when RFJOBD_TOKEN is set) with every
-- request, and ends with one machine-readable line:
--   RESULT <requests/s> <p99 latency, us> <requests> <status errors> <socket errors>
-- nginx gets the same header, so that both servers read requests of the same size.
local token = os.getenv("RFJOBD_TOKEN")
if token ~= nil and token ~= "" then
   wrk.headers["X-Auth-Token"] = token
end
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("RESULT %.1f %d %d %d %d\n",
      summary.requests / (summary.duration / 1e6),
      latency:percentile(99.0),
      summary.requests,
      e.status,
      e.connect + e.read + e.write + e.timeout))
end
