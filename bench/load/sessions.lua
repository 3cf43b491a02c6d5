-- wrk script: each request carries the next of the logged-in sessions' cookies (one per
-- line of the file given after `--`), as many users at once would, instead of every
-- connection sharing one session.
local cookies = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then cookies[#cookies + 1] = line end
  end
end

function request()
  if #cookies == 0 then return wrk.format() end
  i = i % #cookies + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
end
