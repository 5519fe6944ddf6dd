#!/usr/bin/env bash
# Mutation testing with Stryker.NET (a local tool, .config/dotnet-tools.json): mutates a core project and runs its
# tests against every mutant. Not part of CI (it takes long: docs/testing.md has the last scores and times).
# Usage: scripts/mutation-test.sh pipeline|signal [--mutate GLOB]... [extra dotnet-stryker options]
#   --mutate '**/FrameSequencer.cs'   only that file's mutants (repeatable); '**/Detection/*.cs' a folder's.
#   Start globs with '**/': one written from the repository root ('src/StabilityMonitor.Signal/...') matched
#   no file, and Stryker only says so after its whole coverage pass (25 min lost on 2026-12-05).
# Reports go to artifacts/mutation/<project>/ (mutation-report.md, .json).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?"usage: $0 pipeline|signal [--mutate GLOB]... [stryker options]"}; shift
case "$target" in
    pipeline|signal) ;;
    *) echo "mutation-test.sh: unknown project '$target' (pipeline or signal)" >&2; exit 2 ;;
esac
dotnet tool restore >/dev/null
out="$PWD/artifacts/mutation/$target"
mkdir -p "$out"
# Run from the test project's folder: Stryker finds the project under test among its references.
cd "tests/StabilityMonitor.${target^}.Tests"
exec dotnet stryker --config-file "../../mutation/$target.json" --output "$out" "$@"
