#!/bin/sh
# asger against a minimal hand-written loop (issue 17): prints markdown tables, never a test. Both run as their own
# JVM against the same local SQS (ElasticMQ) and loopback stand-ins, alternating, in one invocation; only ratios
# within one run mean something on a shared machine. Not part of scripts/test.sh.
#
#   scripts/bench.sh [options]
#     --events N              events per throughput round (default 10000)
#     --rounds N              rounds, alternating asger and the baseline (default 3); min/median/max printed
#     --concurrency 1,2,...   asger.concurrency and baseline threads (default 1,2,4,8,16)
#     --workload W            chef | route53 | all, or a comma-separated list (default chef)
#     --latency-rates 20,200  steady rates (events/s) of the latency test (default 20,200; "" to skip)
#     --latency-seconds N     seconds at each rate (default 10)
#     --latency-concurrency N concurrency of the latency test (default 2)
#     --idle-seconds N        idle time before reading RSS (default 5)
#     --warmup N              events each process handles first, not counted (default 500)
#     --java-option OPT       a JVM flag for both asger and the baseline (repeatable)
#     --jar PATH              the jar (default target/asger.jar)
#     --profile DIR           a JFR recording of each measured JVM in DIR (asger-chef-c2.jfr, ...); read it with
#                             java -cp target/test-classes io.asger.bench.JfrTop FILE.jfr
#     --quick                 1,000 events, 1 round, concurrency 2, 5 s per latency rate (a smoke run, ~2 min)
#
# Builds what is missing: target/asger.jar (mvn package -DskipTests) and the test classes. The benchmark's own JVM
# and the baseline run on the test classes and the packaged jar (which carries every library they use).
set -eu
cd "$(dirname "$0")/.."
if [ ! -f target/asger.jar ]; then
  mvn -B -q -o package -DskipTests
fi
mvn -B -q -o test-compile
exec java -cp "target/test-classes:target/asger.jar" io.asger.bench.Bench "$@"
