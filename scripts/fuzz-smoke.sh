#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ with coverage instrumentation and AddressSanitizer,
# then runs each for a short while (FUZZ_SECONDS, default 15) from its corpus in fuzz/corpus/.
# A crash, leak or timeout fails the run and leaves the input in fuzz/artifacts/<target>/.
#
# The instrumentation flags are nightly-only; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept
# them (what `cargo fuzz run` does, without needing cargo-fuzz installed).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-15}"
host=$(rustc -vV | awk '/^host:/ { print $2 }')
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address -Cdebug-assertions \
-Coverflow-checks"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-target}"

targets=$(awk '/^\[\[bin\]\]/ { b = 1; next } b && /^name *=/ { gsub(/^name *= *"|"$/, ""); print; b = 0 }' Cargo.toml)
echo "== building fuzz targets: $(echo $targets | tr '\n' ' ')"
cargo build --release --bins --target "$host" --quiet

for target in $targets; do
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "-- $target for ${seconds}s"
  "$CARGO_TARGET_DIR/$host/release/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$target/" "corpus/$target" 2>&1 | grep -E "^#[0-9]+ +DONE|ERROR|SUMMARY|panicked|Done [0-9]+ runs" || true
  # libFuzzer exits non-zero on any finding; pipefail is off for the grep above, so check again.
  if compgen -G "artifacts/$target/*" >/dev/null; then
    echo "fuzz target $target found a failing input: $(ls artifacts/$target/ | head -3)" >&2
    exit 1
  fi
done
echo "== fuzz smoke passed"
