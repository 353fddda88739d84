#!/usr/bin/env bash
# Install the npm packages of every test app (tests/apps/*) that has one, from its committed lockfile.
# `npm ci --ignore-scripts`: exact versions, and no package's install script ever runs.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.nodeward-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$lock" ]; then
    continue
  fi
  echo "npm ci --ignore-scripts in $dir"
  if (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
    touch "$stamp"
  else
    echo "npm ci failed in $dir" >&2
    status=1
  fi
done < <(find tests/apps -name package-lock.json -not -path '*/node_modules/*' 2>/dev/null | sort)
exit $status
