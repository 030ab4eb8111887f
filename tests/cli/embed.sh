# make install into a staging root, then build examples/embed/match_one.c
# against the installed library with pkg-config (shared and static) and run
# it on the examples: the partners of one enterprise, with explanations.
. tests/cli/lib.sh

ROOTDIR="$TMP/root"
run make -s install DESTDIR="$ROOTDIR" PREFIX=/usr
expect_status "make install" 0

export PKG_CONFIG_PATH="$ROOTDIR/usr/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$ROOTDIR"
run sh -c "cc -std=c11 -Wall -Wextra -Werror examples/embed/match_one.c \$(pkg-config --cflags --libs capmatch) -o '$TMP/match_one'"
expect_status "match_one compiles against the installed library (shared)" 0

R=examples/data/regions.json
E=examples/data/enterprises.csv
P=tests/policies/basic.lua
X=cn-xian-textile-machinery

run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E $P $X
expect_status "match_one runs" 0
cp "$TMP/out" "$TMP/shared-out"
# basic.lua keeps 3 partners; the best is Catanduanes:
# (3 x 1 sector + 2 x 3/5 needs + 1 x (1 - 2762.7/3000) distance + 1 x 1 abaca
#  + 1 x 0.5 size) / 8 = 0.722
expect_grep "match_one: header" out "$X: 3 partners (policy try, capmatch 0.1.0)"
expect_grep "match_one: the best partner" out "1. ph-catanduanes 0.722"
expect_grep "match_one: second and third" out "3. vn-hai-phong"
expect_grep "match_one: sector explained" out "sector           1.00 x 3 = 0.375  sectors 2826"
expect_grep "match_one: needs explained" out "needs            0.60 x 2 = 0.150  offers meet 3 of 5 needs"
expect_grep "match_one: distance explained" out "2763 km"
expect_grep "match_one: regex explained" out "\"decorticat\""
expect_grep "match_one: Lua rule explained" out "size             0.50 x 1 = 0.062  small or medium"
lines=$(wc -l <"$TMP/out")
if [ "$lines" -eq 19 ]; then ok "match_one: 3 partners x 5 rules"; else
    not_ok "match_one: 3 partners x 5 rules" "$lines lines:" "$(cat "$TMP/out")"
fi

# the same as the command says, pair by pair
run "$ROOTDIR/usr/bin/capmatch" match --regions $R --enterprises $E --policy $P --format json
expect_status "installed capmatch match" 0
for region in ph-catanduanes vn-ben-tre vn-hai-phong; do
    # the score at full precision, rounded as match_one prints it
    score=$(jq -r --arg x "$X" --arg r "$region" \
        '.results[] | select(.enterprise == $x and .region == $r) | .score' "$TMP/out" |
        awk 'NR == 1 { printf "%.3f", $1 }')
    if [ -n "$score" ] && grep -qF "$region $score" "$TMP/shared-out"; then
        ok "match_one agrees with capmatch: $region"
    else
        not_ok "match_one agrees with capmatch: $region" "capmatch: '$score'" "$(cat "$TMP/shared-out")"
    fi
done

# parameters given like --set
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E $P $X radius_km=1000 sme_bonus=1
expect_status "match_one with parameters" 0
expect_grep "match_one: radius_km=1000" out "at or beyond 1000 km, where closeness scores 0"
expect_grep "match_one: sme_bonus=1" out "size             1.00 x 1 = 0.125  small or medium"

# errors: an unknown enterprise, a parameter of the wrong type, a broken policy
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E $P no-such-firm
expect_status "match_one: unknown enterprise" 2
expect_grep "match_one: unknown enterprise named" err "no-such-firm"
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E $P $X radius_km=far
expect_status "match_one: parameter of the wrong type" 2
expect_grep "match_one: parameter message" err ": --set radius_km=far: expected a number"
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E tests/policies/unit_bad_weight.lua $X
expect_status "match_one: broken policy" 2
expect_grep "match_one: policy message has FILE:LINE" err "tests/policies/unit_bad_weight.lua:4: "
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E tests/policies/unit_error.lua $X
expect_status "match_one: rule error stops" 2
expect_grep "match_one: rule error names the pair" err "(enterprise \"$X\", region \"sg\")"
run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R
expect_status "match_one: usage" 2

# the installed default policy, found where make install put it
DEFAULT="$ROOTDIR/usr/share/capmatch/rules/default.lua"
if [ -f "$DEFAULT" ]; then
    run env LD_LIBRARY_PATH="$ROOTDIR/usr/lib" "$TMP/match_one" $R $E "$DEFAULT" $X
    expect_status "match_one with the installed default policy" 0
    expect_grep "match_one: default policy ranks" out "1. "
else
    not_ok "installed default policy" "missing: $DEFAULT"
fi

# statically linked
run sh -c "cc -std=c11 examples/embed/match_one.c \$(pkg-config --cflags capmatch) '$ROOTDIR/usr/lib/libcapmatch.a' \$(pkg-config --libs jansson lua5.4 libpcre2-8 nettle libcurl libical) -lcsv -lpthread -lm -o '$TMP/match_one_static'"
expect_status "match_one compiles against the installed static library" 0
run "$TMP/match_one_static" $R $E $P $X
expect_status "static match_one runs" 0
if cmp -s "$TMP/out" "$TMP/shared-out"; then ok "static and shared print the same"; else
    not_ok "static and shared print the same" "$(diff "$TMP/shared-out" "$TMP/out" | head -n 10)"
fi
