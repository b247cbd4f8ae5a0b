-- wrk script for `examples/api.rs`: every request carries a query parameter
-- of its own, so a cached route misses and stores each time (unique-key load).
--
--   wrk -t1 -c32 -d5s --latency -s examples/api_unique_keys.lua http://127.0.0.1:3000/load/3
--   wrk -t1 -c32 -d5s --latency -s examples/api_unique_keys.lua http://127.0.0.1:3000/load-plain/3
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local sent = 0

function request()
  sent = sent + 1
  return wrk.format("GET", wrk.path .. "?u=" .. id .. "-" .. sent)
end
