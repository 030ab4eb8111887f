table.move({}, 1, 1 << 40, 2)
feed { name = "x", kind = "regions", url = "https://example.org/x.json" }
