-- Requests taken from a list that benchmarks/loadtest.py writes (a Lua file returning
-- {{method, path, headers, body}, ...}): `wrk --script wrk-requests.lua URL -- LIST MODE THREADS [PAUSE]`.
-- MODE "cycle" repeats the list (each thread from its own place in it); "once" sends each request
-- once, every thread its own share (list items THREAD+1, THREAD+1+THREADS, ...), so no two
-- connections ever send the same one. Counts the responses by status, the requests sent and, in
-- "once" mode, the requests wanted after the list ran out; all go into the JSON summary line.
-- PAUSE (milliseconds): each connection waits that long before each request, as a person would.
-- EXPECT: a redirect counts as a 302 only when its Location holds this text (the page a save goes
-- on to); any other redirect (the form refused, the session gone) is counted as misdirected.
local folder = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(folder .. "wrk-report.lua")

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  local list, count = dofile(args[1]), tonumber(args[3])
  mode = args[2]
  mine = {}
  for index = thread_number + 1, #list, (mode == "once" and count or 1) do
    table.insert(mine, list[index])
  end
  if mode == "cycle" then  -- start at the thread's own place, so the threads alternate too
    for _ = 1, thread_number % #mine do table.insert(mine, table.remove(mine, 1)) end
  end
  position, sent, ran_out, misdirected, statuses = 0, 0, 0, 0, {}
  expect = args[5] ~= "" and args[5] or nil
  local pause = tonumber(args[4] or "0")
  if pause > 0 then  -- wrk looks for delay() after init, in its first thread
    delay = function() return pause end
  end
end

function request()
  position = position + 1
  if position > #mine then
    if mode == "once" then
      ran_out = ran_out + 1
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")
    end
    position = 1
  end
  sent = sent + 1
  local item = mine[position]
  return wrk.format(item[1], item[2], item[3], item[4])
end

function response(status, headers, body)
  if status == 302 and expect and not (headers["Location"] or ""):find(expect, 1, true) then
    misdirected = misdirected + 1
    return
  end
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local totals, sent, ran_out, misdirected = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + n end
    sent = sent + thread:get("sent")
    ran_out = ran_out + thread:get("ran_out")
    misdirected = misdirected + thread:get("misdirected")
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, string.format('"%d": %d', status, n)) end
  io.write(string.format('LOADTEST {%s, "sent": %d, "ran_out": %d, "misdirected": %d, "statuses": {%s}}\n',
    summary_fields(summary, latency), sent, ran_out, misdirected, table.concat(parts, ", ")))
end
