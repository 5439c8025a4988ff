#!/usr/bin/env bash
# Instructions per insert, SDK vs a bare reqwest client serialising the same body, counted with
# callgrind: each client runs 1 000 and 3 000 inserts against the same minimal loopback server
# (a process of its own, not counted), and (instructions of the 3 000 run − those of the 1 000 run) / 2 000 is the cost of
# one insert, with start-up and warm-up cancelled out. Prints both figures and their ratio
# (goal: ≤ 1.15).
#
#   scripts/insert-instructions.sh            # builds the example (release) first
#   SKIP_BUILD=1 scripts/insert-instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --quiet --release -p wx-invoice-api --example insert_instructions
fi
bin="$target/release/examples/insert_instructions"
out="$(mktemp -d)"
# The loopback server runs in a process of its own, so only the clients are counted.
"$bin" serve >"$out/server" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 50); do
    [[ -s "$out/server" ]] && break
    sleep 0.1
done
base=$(head -n1 "$out/server")

# Total instructions of one run (callgrind's "summary:" line).
count() {
    local mode=$1 n=$2 file="$out/cg.$1.$2"
    valgrind --tool=callgrind --callgrind-out-file="$file" "$bin" "$mode" "$n" "$base" >/dev/null 2>&1
    awk '/^summary:/ { print $2 }' "$file"
}

per_insert() {
    local mode=$1 small large
    small=$(count "$mode" 1000)
    large=$(count "$mode" 3000)
    echo $(( (large - small) / 2000 ))
}

sdk=$(per_insert sdk)
bare=$(per_insert bare)
awk -v s="$sdk" -v b="$bare" 'BEGIN {
    printf "bare reqwest (serialising): %d instructions / insert\n", b
    printf "InvoiceClient::insert:      %d instructions / insert\n", s
    printf "ratio:                      %.3f (goal <= 1.15)\n", s / b
}'
