#!/usr/bin/env bash
# asger's test command: installs the test peers (moto, goiardi, Chef's Ruby signer; idempotent) and runs every
# test, unit and end to end, with `mvn -B verify`. The tests start and stop their peers themselves.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dit.test=PipelineIT
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-peers.sh
exec mvn -B verify "$@"
