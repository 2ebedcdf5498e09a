#!/bin/sh
# Route 53 benchmark: how long 1,000 terminations take against Route 53's 5 requests/s limit, with and without
# batching (io.asger.route53.Route53Benchmark, in src/test). moto stands in for Route 53, behind a local rate limiter
# that answers Throttling. Needs the test peers (scripts/install-test-peers.sh).
#
#   scripts/bench-route53.sh [N] [N-without-batching]     defaults: 1000 1000 (the unbatched run takes minutes;
#                                                          pass a smaller second number, or 0 to skip it)
set -eu
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.asger.route53.Route53Benchmark "$@"
