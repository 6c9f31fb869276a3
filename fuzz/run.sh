#!/usr/bin/env bash
# Runs the three fuzz targets one after another for HOURS in total (default 3), split evenly,
# one libFuzzer process at a time (the machine is shared), each with its own corpus in
# fuzz/corpus/<target> seeded from the committed fuzz/seeds/<target>. Logs go to
# fuzz/logs/<target>.log (override with FUZZ_LOG_DIR); crashes to fuzz/artifacts/<target>/.
# At the end it prints, per target, the time run, executions, coverage and crashes found.
#
#   fuzz/run.sh 3                     # 1 hour per target
#   fuzz/run.sh 0.5 op_decoder        # half an hour, one target
#
# Needs: the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"

hours="${1:-3}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(trace_loader op_decoder edit_merge)
fi
if ! [[ "$hours" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "usage: fuzz/run.sh [HOURS] [TARGET...]   (HOURS a number, got '$hours')" >&2
  exit 2
fi
seconds_each=$(awk -v h="$hours" -v n="${#targets[@]}" 'BEGIN { printf "%d", h * 3600 / n }')
log_dir="${FUZZ_LOG_DIR:-logs}"
mkdir -p "$log_dir"

# No sanitizer: every crate of ours forbids `unsafe`, so AddressSanitizer would find nothing
# that Rust's own checks do not, and it halves the speed of the engine targets (whose checks
# are allocation-heavy). Coverage, debug assertions and overflow checks stay on.
sanitizer=(--sanitizer none)
cargo +nightly fuzz build -O "${sanitizer[@]}"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  echo "== $target: $seconds_each s, log $log_dir/$target.log"
  # -timeout: an input that takes 10 s is a finding (a hang), not a slow case to wait for.
  # -rss_limit_mb: libFuzzer's default; an input that needs more is a finding too.
  # A crash stops the target (libFuzzer's default) and the script goes on to the next one.
  mode=()
  # edit_merge: every byte is one choice of the script (the first dozen set up the replicas),
  # so libFuzzer's default of growing inputs slowly from a few bytes kept its scripts trivial
  # for minutes (coverage 15.5k edges after 5 min; at once 18.6k without the limit).
  [ "$target" = edit_merge ] && mode=(-len_control=0)
  cargo +nightly fuzz run -O "${sanitizer[@]}" "$target" "corpus/$target" "${seeds[@]}" -- \
    "${mode[@]}" -max_total_time="$seconds_each" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log_dir/$target.log" 2>&1 || echo "   $target stopped with a finding (see the log)"
done

echo
echo "target        executions   coverage   artifacts (crashes, timeouts, ooms; all runs so far)   log"
for target in "${targets[@]}"; do
  log="$log_dir/$target.log"
  # libFuzzer's status lines start with "#<executions>" (in fork mode too).
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  crashes=$(find "artifacts/$target" -type f | wc -l)
  printf '%-13s %10s %10s %9s   %s\n' "$target" "${execs:-?}" "${cov:-?}" "$crashes" "$log"
done
