# capmatch test: expectations by rank and absence (in_top, not_in_top,
# absent, by), passing, failing with the actual rank and the list around it,
# and written wrongly.
. tests/cli/lib.sh
D=tests/policies/ranks

run "$CAPMATCH" test "$D/ranks.test.lua"
expect_status "ranks: expectations that hold exit 0" 0
expect_grep "ranks: closing line" out "1 passed, 0 failed"

run "$CAPMATCH" test "$D/wrong.test.lua"
expect_status "ranks: wrong expectations exit 1" 1
expect_grep "ranks: in_top shows the rank and the list around it" out \
    "expect #1 (enterprise e7, region r1): expected enterprise e7 in region r1's top 1 (--by region), got rank 6 of 7 (0.075): 1. e1 0.450, ..., 4. e4 0.150, 5. e6 0.100, 6. e7 0.075, 7. e8 0.025"
expect_grep "ranks: not_in_top" out \
    "expect #2 (enterprise e2, region r1): expected enterprise e2 not in region r1's top 2 (--by region), got rank 2 of 7 (0.350): 1. e1 0.450, 2. e2 0.350, 3. e3 0.250, 4. e4 0.150"
expect_grep "ranks: absent = true by region" out \
    "expect #3 (enterprise e1, region r1): expected the pair absent from region r1's list (--by region), got rank 1 of 7 (0.450)"
expect_grep "ranks: in_top of a vetoed pair names the filter" out \
    "expect #4 (enterprise e5, region r1): expected enterprise e5 in region r1's top 3 (--by region), got none: vetoed by filter 'not home' (the enterprise's home country); the list (7): 1. e1 0.450, 2. e2 0.350, 3. e3 0.250"
expect_grep "ranks: absent = false, by enterprise" out \
    "expect #5 (enterprise e5, region r1): expected the pair in enterprise e5's list (--by enterprise), got none: vetoed by filter 'not home'"
expect_grep "ranks: absent = false, by region" out \
    "expect #5 (enterprise e5, region r1): expected the pair in region r1's list (--by region), got none"
expect_grep "ranks: in_top by enterprise" out \
    "expect #6 (enterprise e1, region r1): expected region r1 in enterprise e1's top 1 (--by enterprise), got rank 2 of 2 (0.450): 1. r2 0.950, 2. r1 0.450"
expect_grep "ranks: absent with no by checks both lists" out \
    "expect #7 (enterprise e1, region r2): expected the pair absent from region r2's list (--by region), got rank 1 of 7 (0.950)"
expect_grep "ranks: closing line of the failing file" out "0 passed, 1 failed"

run "$CAPMATCH" test "$D/bad.test.lua"
expect_status "ranks: bad expectations exit 1" 1
expect_grep "ranks: in_top = 0" out "expect #1 (enterprise e1, region r1): in_top: expected a positive integer, found 0"
expect_grep "ranks: in_top = 2.5" out "expect #2 (enterprise e1, region r1): in_top: expected a positive integer, found 2.5"
expect_grep "ranks: not_in_top as a string" out "expect #3 (enterprise e1, region r1): not_in_top: expected a positive integer, found \"3\""
expect_grep "ranks: not_in_top = -1" out "expect #4 (enterprise e1, region r1): not_in_top: expected a positive integer, found -1"
expect_grep "ranks: unknown enterprise" out "expect #5 (enterprise nobody, region r1): unknown enterprise 'nobody': the case has no such profile"
expect_grep "ranks: unknown region" out "expect #6 (enterprise e1, region r9): unknown region 'r9': the case has no such profile"
expect_grep "ranks: bad direction" out "expect #7 (enterprise e1, region r1): by: expected \"region\""
expect_grep "ranks: in_top without a direction" out "expect #8 (enterprise e1, region r1): in_top needs by = \"region\""
expect_grep "ranks: a misspelt key" out "expect #9 (enterprise e1, region r1): unknown key 'in_tpo' (known:"
expect_grep "ranks: absent not a boolean" out "expect #10 (enterprise e1, region r1): absent: expected true or false, found a string"
expect_grep "ranks: unknown top" out "expect #11 (region r1): top: unknown enterprise 'e9': the case has no such profile"
expect_grep "ranks: a direction that is not a string" out "expect #12 (enterprise e1, region r1): by: expected \"region\" (the region's list, as match --by region ranks it) or \"enterprise\", found a number"
