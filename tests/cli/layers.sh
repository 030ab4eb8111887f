# The layers of the library, checked on the built objects with nm (issue 16):
# a layer (base, profiles, policy, then batch and feeds side by side; see
# LIB_* in the Makefile) uses no symbol defined by a layer above it or beside
# it, every global symbol of the library is cm_ (the API) or cmi_ (internal),
# and the command (cli/) uses nothing of the library but the exported cm_* API.
. tests/cli/lib.sh

BUILD=$(dirname "$CAPMATCH")
make -s --no-print-directory print-layers >"$TMP/layers" || { not_ok "make print-layers"; exit 0; }

# defs: "layer object symbol" for every global symbol an object defines
: >"$TMP/defs"
: >"$TMP/uses"
while read -r layer objs; do
    for o in $objs; do
        f="$BUILD/$o"
        if [ ! -f "$f" ]; then not_ok "object $o built" "missing: $f"; continue; fi
        nm --defined-only -g "$f" | awk -v L="$layer" -v O="$o" 'NF == 3 { print L, O, $3 }' >>"$TMP/defs"
        nm -u "$f" | awk -v L="$layer" -v O="$o" '{ print L, O, $NF }' >>"$TMP/uses"
    done
done <"$TMP/layers"

# rank of each layer; batch and feeds share one, and may not use each other
bad=$(awk '
    BEGIN { rank["base"] = 0; rank["profiles"] = 1; rank["policy"] = 2; rank["batch"] = 3;
            rank["feeds"] = 3; rank["cli"] = 9 }
    FILENAME == ARGV[1] { def[$3] = $1; defobj[$3] = $2; next }
    $1 == "cli" || !($3 in def) { next }
    {
        d = def[$3]
        if (rank[d] > rank[$1] || (rank[d] == rank[$1] && d != $1))
            print $2 " (" $1 ") uses " $3 " of " defobj[$3] " (" d ")"
    }' "$TMP/defs" "$TMP/uses")
if [ -z "$bad" ]; then ok "no layer uses a layer above or beside it"; else
    not_ok "no layer uses a layer above or beside it" "$bad"; fi

# one prefix each: the library's global symbols are its API (cm_) or its
# insides (cmi_, hidden from programs that link it); names the compiler
# makes (__odr_asan.* under AddressSanitizer) are not ours
bad=$(awk '$1 != "cli" && $3 !~ /^cmi?_/ && $3 !~ /^__/ { print $2 " defines " $3 }' "$TMP/defs")
if [ -z "$bad" ]; then ok "the library's global symbols are cm_ (API) or cmi_ (internal)"; else
    not_ok "the library's global symbols are cm_ (API) or cmi_ (internal)" "$(echo "$bad" | head -n 10)"; fi

# the command: only what the shared library exports
lib="$BUILD/libcapmatch.so"
nm -D --defined-only "$lib" | awk '{ print $3 }' | sort -u >"$TMP/api"
bad=$(awk 'FILENAME == ARGV[1] { api[$1] = 1; next }
           FILENAME == ARGV[2] { if ($1 != "cli") lib[$3] = $2; next }
           $1 == "cli" && ($3 in lib) && !($3 in api) { print $2 " uses " $3 " of " lib[$3] }' \
           "$TMP/api" "$TMP/defs" "$TMP/uses")
if [ -z "$bad" ]; then ok "the command uses only the exported API"; else
    not_ok "the command uses only the exported API" "$bad"; fi
bad=$(awk 'FILENAME == ARGV[1] { api[$1] = 1; next }
           $1 == "cli" && ($3 in api) && $3 !~ /^cm_/ { print $2 " uses " $3 }' "$TMP/api" "$TMP/uses")
if [ -z "$bad" ]; then ok "the command imports only cm_ symbols of the library"; else
    not_ok "the command imports only cm_ symbols of the library" "$bad"; fi
# and it was compiled without the library's own headers
if grep -q -- '-Icore' "$BUILD/cli/main.d" 2>/dev/null || grep -q 'core/[a-z_]*\.h' "$BUILD"/cli/*.d; then
    not_ok "the command includes no header of core/" "$(grep -l 'core/' "$BUILD"/cli/*.d)"; else
    ok "the command includes no header of core/"; fi

# no two files of the feeds layer use each other (feed.c <-> feed_cache.c was a circle)
bad=$(awk '$1 == "feeds" { if (FILENAME == ARGV[1]) def[$3] = $2; else if ($3 in def && def[$3] != $2) use[$2 " " def[$3]] = 1 }
           END { for (k in use) { split(k, a, " "); if ((a[2] " " a[1]) in use && a[1] < a[2]) print a[1] " <-> " a[2] } }' \
           "$TMP/defs" "$TMP/uses")
if [ -z "$bad" ]; then ok "no circle between the files of the feeds layer"; else
    not_ok "no circle between the files of the feeds layer" "$bad"; fi
