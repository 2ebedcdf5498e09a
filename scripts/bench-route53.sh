#!/bin/sh
# Route 53 benchmark: how long 1,000 terminations take against Route 53's 5 requests/s limit, with and without
# batching (io.asger.route53.Route53Benchmark, in src/test). moto stands in for Route 53, behind a local rate limiter
# that answers Throttling. Needs the test peers (scripts/install-test-peers.sh).
#
#   scripts/bench-route53.sh [N] [N-without-batching]     defaults: 1000 1000 (the unbatched run takes minutes;
#                                                          pass a smaller second number, or 0 to skip it)
set -eu
cd "$(dirname "$0")/.."
# The test classes on the packaged jar (every library asger uses) plus the two test libraries AsgerTestApp needs:
# maven-dependency-plugin cannot build a classpath offline here (its 2.8 default misses its own dependencies).
[ -f target/asger.jar ] || mvn -B -q -o package -DskipTests
mvn -B -q -o test-compile
M2=${M2_REPO:-$HOME/.m2/repository}
exec java -cp "target/test-classes:target/asger.jar:$M2/org/awaitility/awaitility/4.3.0/awaitility-4.3.0.jar:$M2/org/hamcrest/hamcrest/2.2/hamcrest-2.2.jar" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.asger.route53.Route53Benchmark "$@"
