# make install into a staging root, then build and run a small C program
# against the installed library with pkg-config, statically and shared.
. tests/cli/lib.sh

ROOTDIR="$TMP/root"
run make -s install DESTDIR="$ROOTDIR" PREFIX=/usr
expect_status "make install" 0

for f in usr/bin/capmatch usr/include/capmatch.h usr/lib/libcapmatch.a \
         usr/lib/libcapmatch.so.0 usr/lib/pkgconfig/capmatch.pc usr/share/man/man1/capmatch.1 usr/share/man/man1/capmatch-merge.1 \
         usr/share/man/man5/capmatch-profiles.5 usr/share/capmatch/schema/regions.json \
         usr/share/capmatch/schema/enterprises.json usr/share/capmatch/schema/result.json \
         usr/share/capmatch/schema/result-line.json; do
    if [ -e "$ROOTDIR/$f" ]; then ok "installed $f"; else not_ok "installed $f" "missing"; fi
done

soname=$(objdump -p "$ROOTDIR/usr/lib/libcapmatch.so.0" 2>/dev/null | awk '/SONAME/ {print $2}')
if [ "$soname" = "libcapmatch.so.0" ]; then ok "soname"; else not_ok "soname" "got '$soname'"; fi

# only the API is exported
bad=$(nm -D --defined-only "$ROOTDIR/usr/lib/libcapmatch.so.0" | awk '$2 == "T" && $3 !~ /^cm_/ {print $3}')
if [ -z "$bad" ]; then ok "exports only cm_ symbols"; else not_ok "exports only cm_ symbols" "$bad"; fi

export PKG_CONFIG_PATH="$ROOTDIR/usr/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$ROOTDIR"
run sh -c "cc examples/embed/load_profiles.c \$(pkg-config --cflags --libs capmatch) -o '$TMP/embed'"
expect_status "compile against installed library (shared)" 0
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/embed" examples/data/regions.json examples/data/enterprises.csv
expect_status "embedded program runs" 0
expect_grep "embedded program loads the examples" out "regions, "
expect_grep "embedded program reads a region" out "ph-catanduanes resource: abaca fiber"

run sh -c "cc examples/embed/load_profiles.c \$(pkg-config --cflags capmatch) '$ROOTDIR/usr/lib/libcapmatch.a' \$(pkg-config --libs jansson lua5.4 libpcre2-8 nettle libcurl libical) -lcsv -lpthread -lm -o '$TMP/embed-static'"
expect_status "compile against installed static library" 0
run "$TMP/embed-static" examples/data/regions.json
expect_status "static program runs" 0

# the static library hides its insides as the shared one does: only cm_
# symbols are global, and a program with its own cmi_utf8_check (an
# internal name of capmatch) links against either
bad=$(nm -g --defined-only "$ROOTDIR/usr/lib/libcapmatch.a" | awk 'NF == 3 && $3 !~ /^cm_/ {print $3}')
if [ -z "$bad" ]; then ok "static library: only cm_ symbols are global"; else
    not_ok "static library: only cm_ symbols are global" "$(echo "$bad" | head -n 10)"; fi
cat >"$TMP/own.c" <<'EOC'
#include <capmatch.h>
#include <stdio.h>
#include <string.h>
/* names capmatch uses inside; a program may have its own */
size_t cmi_utf8_check(const char *s, size_t n) { (void)s; return n; }
int cmi_store_init(void *st) { (void)st; return 42; }
int main(void) { printf("%s %zu %d\n", cm_version(), cmi_utf8_check("ab", 2), cmi_store_init(0)); return 0; }
EOC
run sh -c "cc '$TMP/own.c' \$(pkg-config --cflags capmatch) '$ROOTDIR/usr/lib/libcapmatch.a' \$(pkg-config --libs jansson lua5.4 libpcre2-8 nettle libcurl libical) -lcsv -lpthread -lm -o '$TMP/own-static'"
expect_status "static: a program with its own cmi_utf8_check links" 0
run "$TMP/own-static"
expect_grep "static: and runs its own" out "0.1.0 2 42"
run sh -c "cc '$TMP/own.c' \$(pkg-config --cflags --libs capmatch) -o '$TMP/own-shared'"
expect_status "shared: a program with its own cmi_utf8_check links" 0

run "$ROOTDIR/usr/bin/capmatch" --version
expect_grep "installed command runs" out "capmatch 0.1.0"
# the installed JSON Schema is what the installed command prints
for k in regions enterprises; do
    run "$ROOTDIR/usr/bin/capmatch" schema $k --format json
    expect_out "installed schema/$k.json is capmatch schema $k --format json" \
        "$ROOTDIR/usr/share/capmatch/schema/$k.json"
done
run man -l "$ROOTDIR/usr/share/man/man1/capmatch.1"
expect_grep "man page renders with exit codes" out "EXIT STATUS"

# ---- an install with another PREFIX than the build's (issue 10 row 14) ---------------------
# The build above was made with the default PREFIX; installing elsewhere must
# give a capmatch.pc and a command that know the new place.
P2="$TMP/elsewhere"
# (without the staging root's pkg-config settings above: the build needs the system's)
run env -u PKG_CONFIG_PATH -u PKG_CONFIG_SYSROOT_DIR make -s install PREFIX="$P2"
expect_status "make install PREFIX=elsewhere" 0
pc="$P2/lib/pkgconfig/capmatch.pc"
if grep -qx "prefix=$P2" "$pc" && grep -qx "libdir=$P2/lib" "$pc"; then ok "capmatch.pc follows the install's PREFIX"; else
    not_ok "capmatch.pc follows the install's PREFIX" "$(head -n 3 "$pc")"; fi
dups=$(sed -n 's/^Requires.private://p' "$pc" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -d)
if [ -z "$dups" ]; then ok "Requires.private: each package once"; else not_ok "Requires.private: each package once" "twice: $dups"; fi
# a policy away from the source tree finds its modules in the installed rules
mkdir "$TMP/pol"
cp rules/default.lua "$TMP/pol/"
run env -u CAPMATCH_RULES_PATH "$P2/bin/capmatch" check "$TMP/pol/default.lua"
expect_status "installed command finds the installed rules" 0
expect_grep "installed command: policy checked" out "ok: policy 'default'"
printf 'policy { name = "m" }\nlocal x = require "no_such_module"\n' >"$TMP/pol/missing-module.lua"
run env -u CAPMATCH_RULES_PATH "$P2/bin/capmatch" check "$TMP/pol/missing-module.lua"
expect_grep "installed command searches the installed rules" out "$P2/share/capmatch/rules/lib/no_such_module.lua"
