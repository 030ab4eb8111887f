-- Feeds of an investment promotion agency (the URLs are illustrative).
--
--   export PORTAL_TOKEN=...   # read when the request is made, never logged
--   capmatch fetch --feeds examples/feeds/asean.lua
--   capmatch match --feeds examples/feeds/asean.lua --policy rules/default.lua
--
-- Feeds of one kind merge by id in the order they are declared here: when
-- two feeds carry a region with the same id, the first feed's profile wins.

-- Settings for every feed declared below (each feed may override them).
defaults {
    connect_timeout = 10,     -- seconds
    timeout = 120,            -- whole request, seconds
    low_speed_limit = 100,    -- bytes/s ...
    low_speed_time = 30,      -- ... for this long aborts the request
    retries = 3,              -- after a timeout, a reset, 429 or 5xx
    retry_delay = 2,          -- first wait, doubled each time, with jitter
    retry_max_delay = 60,     -- a longer Retry-After gives up
    max_bytes = "64M",        -- per page, decoded
    refresh = 6 * 3600,       -- capmatch fetch --due skips feeds fresher than this
    shrink = 0.5,             -- hold back a body with under half the records
    keep = 5,                 -- snapshots kept for capmatch feeds rollback
}

-- A provincial portal that already publishes capmatch's schema, behind a token.
feed {
    name = "hainan-portal",
    kind = "regions",
    url = "https://invest.example.gov.cn/api/v2/partner-regions.json",
    headers = {
        Authorization = "Bearer " .. env "PORTAL_TOKEN",
        Accept = "application/json",
    },
}

-- A registry with its own field names, paged with an RFC 8288 Link header:
-- map turns each of its records into a capmatch region.
feed {
    name = "asean-centre-registry",
    kind = "regions",
    url = "https://registry.example.org/api/regions?per_page=200",
    format = "json",
    records = "results",              -- the list is body.results
    pages = { link = true, max = 100 },
    map = function(r)
        if r.status ~= "active" then
            return nil                -- left out
        end
        local sectors = {}
        for code in string.gmatch(r.isic or "", "%d+") do
            sectors[#sectors + 1] = code
        end
        return {
            id = "acr-" .. string.lower(r.code),
            name = r.display_name,
            country = string.upper(r.iso_country),
            level = r.admin_level == 1 and "province" or "city",
            location = { lat = tonumber(r.lat), lon = tonumber(r.lng) },
            sectors_sought = sectors,
            needs = r.needs,
        }
    end,
}

-- A chamber of commerce's member list: a CSV export in capmatch's columns.
-- (A JSON API that puts the next page's URL in its body would say
-- records = "data", pages = { next = "links.next" }.)
feed {
    name = "chamber-members",
    kind = "enterprises",
    url = "https://chamber.example.ph/exports/members.csv",
    format = "csv",
    skip_invalid = true,
    refresh = 24 * 3600,
}
