#!/bin/sh
# Install the Debian packages capmatch needs to build, test and run its demo
# (and clang with libFuzzer for the fuzz targets of tests/fuzz/).
# Does nothing when everything is already there; otherwise runs apt-get (as
# root, or through sudo when it is available).
#
#   install-deps.sh [--check] [GROUP...]
#
# GROUPs add packages that only some tests need, kept out of the main list
# because they are big: `report` (headless Chromium, ~100 MB, and the Noto
# fonts for Chinese, Thai and Lao, for tests/cli/report.sh and report_ui.sh),
# `shard` (GNU parallel, for tests/cli/shard.sh and tests/cli/merge.sh),
# `slurm` (Slurm's controller and node daemons with munge, for the
# single-node cluster of tests/cli/slurm.sh) and `bench` (pandas, for the pandas baseline of scripts/bench-match, and wrk for
# scripts/bench-serve).
set -eu

PACKAGES="gcc make pkg-config libc6-dev
libjansson-dev libcsv-dev liblua5.4-dev lua5.4 libpcre2-dev libcurl4-openssl-dev
libcmocka-dev nettle-dev libical-dev iso-codes man-db binutils
libmicrohttpd-dev libgnutls28-dev zlib1g-dev openssl lua-check curl jq python3-jsonschema
libxlsxwriter-dev libunistring-dev tzdata"

check=""
for arg in "$@"; do
    case $arg in
        --check) check=1 ;;
        report) PACKAGES="$PACKAGES chromium fonts-noto-cjk fonts-noto-core" ;;
        shard) PACKAGES="$PACKAGES parallel" ;;
        slurm) PACKAGES="$PACKAGES slurm-wlm munge" ;;
        bench) PACKAGES="$PACKAGES python3-pandas wrk" ;;
        *) echo "install-deps: unknown group '$arg' (report, shard, slurm, bench)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing="$missing $p"
    fi
done
# clang with libFuzzer for tests/fuzz (make fuzz, and briefly in make test):
# any clang on the PATH will do; its runtime libraries may come apart
if ! command -v clang >/dev/null 2>&1; then
    missing="$missing clang libclang-rt-dev"
elif [ ! -e "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] &&
     [ ! -e "$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]; then
    missing="$missing libclang-rt-dev"
fi

if [ -z "$missing" ]; then
    exit 0
fi
if [ -n "$check" ]; then
    echo "missing Debian packages:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
