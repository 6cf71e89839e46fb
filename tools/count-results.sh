#!/usr/bin/env bash
# Counts Bazel's per-target test results in a `bazel test` log and prints
# "N passed, N failed". Anything but PASSED (FAILED, TIMEOUT, NO STATUS,
# FAILED TO BUILD, FLAKY) counts as failed.
set -u
log=$1
passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FLAKY|INCOMPLETE)' "$log")
# A build error before any test ran leaves no per-target line: count it.
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && grep -qE '^(ERROR|FAILED: Build did NOT complete)' "$log"; then
  failed=1
fi
echo "$passed passed, $failed failed"
