#!/usr/bin/env bash
# Run each fuzz target for a bounded time and print what it did.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 300); targets default to all of them (cargo fuzz list).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); it is not
# part of .ci/run. The corpus grows in fuzz/corpus/TARGET (not committed), seeded from
# the repository's own rule, data and CSV files; crashes land in fuzz/artifacts/TARGET.
# Set KAOHE_FUZZ_SANITIZER=address to build with ASan (about 4 times slower; kaohe is
# safe Rust, so the default is none); debug assertions and overflow checks are on.
# Extra libFuzzer flags can be given in KAOHE_FUZZ_FLAGS (e.g. "-jobs=2 -workers=2").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi
sanitizer="${KAOHE_FUZZ_SANITIZER:-none}"

# Seeds: the repository's own files, one kind per target (each copied under a name
# made of its path).
copy_seeds() {
    local dir="$1" prefix="$2"
    while IFS= read -r -d '' f; do
        { printf '%b' "$prefix"; cat "$f"; } > "$dir/$(echo "$f" | tr / _)" || true
    done
}
seed() {
    local target="$1" dir="fuzz/seeds/$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    case "$target" in
        data_file) find data tests/cases tests/corpus -path '*/data/*' -name '*.toml' -print0 2>/dev/null | copy_seeds "$dir" "" ;;
        rule_file) find rules tests/cases tests/corpus -path '*/rules/*' -name '*.toml' ! -name metrics.toml -print0 2>/dev/null | copy_seeds "$dir" "" ;;
        catalog) find rules tests/cases tests/corpus -name metrics.toml -print0 2>/dev/null | copy_seeds "$dir" "" ;;
        csv_file)
            # The first byte picks the file: even for figures, odd for entities.csv.
            find tests/cases tests/corpus -name '*.csv' ! -name entities.csv -print0 2>/dev/null | copy_seeds "$dir" '\000'
            find tests/cases tests/corpus -name entities.csv -print0 2>/dev/null | copy_seeds "$dir" '\001' ;;
    esac
    true
}

summary=()
for target in "${targets[@]}"; do
    seed "$target"
    mkdir -p "fuzz/corpus/$target"
    log="fuzz/artifacts/$target.log"
    mkdir -p fuzz/artifacts
    echo "== $target: $seconds s"
    status=0
    (cd fuzz && cargo +nightly fuzz run -s "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -dict=dict/kaohe.dict -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 ${KAOHE_FUZZ_FLAGS:-}) > "$log" 2>&1 || status=$?
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
    crashes=$(ls "fuzz/artifacts/$target" 2>/dev/null | grep -c -E '^(crash|timeout|oom|leak)-' || true)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' || true)
    summary+=("$target: ${runs:-no final count} (exit $status; $cov; artifacts: $crashes; log $log)")
    tail -3 "$log"
done
echo
echo "== summary"
printf '%s\n' "${summary[@]}"
