-- Feeds from local files: the shipped examples, as if they were portals.
-- Works offline; a good first try:
--
--   capmatch fetch --feeds examples/feeds/local.lua --cache /tmp/capmatch-cache
--   capmatch feeds status --cache /tmp/capmatch-cache
--
-- file: URLs are read relative to this file. A file feed has no ETag: a
-- second fetch finds the same content and keeps the snapshot ("unchanged").

feed {
    name = "example-regions",
    kind = "regions",
    url = "file:../data/regions.json",
}

feed {
    name = "example-enterprises",
    kind = "enterprises",
    url = "file:../data/enterprises.csv",
    skip_invalid = true,          -- apply the valid rows, keep the others in rejects.jsonl
}
