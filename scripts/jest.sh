#!/usr/bin/env bash
# Runs jest on one project of jest.config.js, `unit` or `integration`; further arguments go to jest
# (file patterns, -t NAME, --testPathIgnorePatterns ...). The tests run as native ES modules, which
# jest still reaches through Node's --experimental-vm-modules. Integration files run one at a time
# (they start servers and processes of their own and some measure timings).
set -euo pipefail
cd "$(dirname "$0")/.."
project=${1:?usage: scripts/jest.sh unit|integration [jest arguments]}
shift
# Unit files run one per core: jest's own default (cores - 1) leaves a 2-core machine one worker,
# and the unit run took 69 s there against 51 s with two. A --maxWorkers/-w given here wins.
extra=(--maxWorkers=100%)
[ "$project" = integration ] && extra=(--maxWorkers=1)
for a in "$@"; do case $a in -w|-w*|--maxWorkers|--maxWorkers=*) extra=() ;; esac; done
# --selectProjects comes last: it takes every word after it as a project name.
exec node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js \
  "${extra[@]}" "$@" --selectProjects "$project"
