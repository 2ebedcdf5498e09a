#!/usr/bin/env bash
# Prints asger's start-to-ready time and idle resident memory (RSS): the jar in queue-URL mode and in local mode,
# with the JVM's default flags and with the recommended ones, and the container image. A benchmark, not a test:
# the figures depend on the machine and its load. Targets: under 2 s to ready, under 160 MB idle.
#
#   scripts/bench-footprint.sh            (after mvn package; the container rows need scripts/build-image.sh's image)
#
# Ready: Camel's "(asger) started in" line, timed from the launch. Idle RSS: VmRSS of the JVM after IDLE seconds
# without events. Each figure is the median of RUNS starts.
# Environment: RUNS (default 3), IDLE (default 10), IMAGE (default asger; empty: skip the container),
#              JAR (default target/asger.jar).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
IDLE=${IDLE:-10}
IMAGE=${IMAGE-asger}
JAR=${JAR:-target/asger.jar}
WORK=$(mktemp -d)
# The flags the README recommends and the image uses (its class-data archive is made below for this jar).
FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xms8m"
CDS=$WORK/asger.jsa
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

[ -f "$JAR" ] || { echo "bench-footprint: no $JAR (mvn -B package -DskipTests)"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# Waits for the ready line in $1 (up to 120 s); prints the milliseconds since $2.
wait_ready() {
  local log=$1 started=$2
  for _ in $(seq 1 6000); do
    if grep -q "(asger) started in" "$log" 2>/dev/null; then echo $(( $(now_ms) - started )); return 0; fi
    sleep 0.02
  done
  echo "bench-footprint: not ready after 120 s, see $log" >&2; tail -n 20 "$log" >&2; return 1
}

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# One start of the jar: prints "ms rss". $1: flags, $2: mode (local | queue).
run_jar() {
  local flags=$1 mode=$2 log=$WORK/run.log started pid ms rss
  local -a env=(ASGER_LOCAL_PORT="$(free_port)")
  if [ "$mode" = queue ]; then
    env=(ASGER_QUEUE_URL="$QUEUE_URL" ASGER_DLQ_URL="$DLQ_URL" AWS_ENDPOINT_URL_SQS="$SQS_ENDPOINT"
         AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench)
  fi
  : > "$log"
  started=$(now_ms)
  # shellcheck disable=SC2086
  env "${env[@]}" java $flags -jar "$JAR" > "$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  ms=$(wait_ready "$log" "$started")
  sleep "$IDLE"
  rss=$(rss_mb "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms $rss"
}

report() {
  local label=$1; shift
  local times=() rsss=() r
  for _ in $(seq 1 "$RUNS"); do
    r=$("$@")
    times+=("${r% *}"); rsss+=("${r#* }")
  done
  printf '%-58s %6s ms %6s MB   (runs: %s ms; %s MB)\n' "$label" "$(echo "${times[*]}" | median)" \
      "$(echo "${rsss[*]}" | median)" "${times[*]}" "${rsss[*]}"
}

# The SQS endpoint of the queue-URL rows: a local-mode asger, started once, serves the queues.
PEER_PORT=$(free_port)
ASGER_LOCAL_PORT=$PEER_PORT java $FLAGS -jar "$JAR" > "$WORK/peer.log" 2>&1 &
PIDS+=("$!")
wait_ready "$WORK/peer.log" "$(now_ms)" > /dev/null
SQS_ENDPOINT=http://127.0.0.1:$PEER_PORT
QUEUE_URL=$SQS_ENDPOINT/000000000000/asger
DLQ_URL=$SQS_ENDPOINT/000000000000/asger-dlq

# A class-data archive for this jar, made as the image makes its own (one training start, queue-URL mode).
ASGER_QUEUE_URL=$QUEUE_URL ASGER_DLQ_URL=$DLQ_URL AWS_ENDPOINT_URL_SQS=$SQS_ENDPOINT AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    java -XX:ArchiveClassesAtExit="$CDS" $FLAGS -Dcamel.main.duration-max-seconds=4 -jar "$JAR" > "$WORK/cds.log" 2>&1 \
    || { tail -n 20 "$WORK/cds.log"; exit 1; }

echo "asger footprint on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -n 1)"
echo "median of $RUNS starts; RSS after $IDLE s idle"
report "jar, queue-URL mode, default JVM flags" run_jar "" queue
report "jar, queue-URL mode, $FLAGS" run_jar "$FLAGS" queue
report "jar, queue-URL mode, same + class-data archive" run_jar "$FLAGS -XX:SharedArchiveFile=$CDS" queue
report "jar, queue-URL mode, same + JMX off (as in the image)" run_jar "$FLAGS -XX:SharedArchiveFile=$CDS -Dcamel.main.jmx-enabled=false" queue
report "jar, local mode, default JVM flags" run_jar "" local
report "jar, local mode, $FLAGS" run_jar "$FLAGS" local
report "jar, local mode, same + class-data archive" run_jar "$FLAGS -XX:SharedArchiveFile=$CDS" local
report "jar, local mode, same + JMX off (as in the image)" run_jar "$FLAGS -XX:SharedArchiveFile=$CDS -Dcamel.main.jmx-enabled=false" local

# The container: the image's own ENTRYPOINT flags and archive. podman as in ContainerIT (runc, host network).
run_container() {
  local mode=$1 log=$WORK/ctr.log name=asger-bench-$$ started pid ms rss
  local -a env=(-e ASGER_LOCAL_PORT="$(free_port)" -e CAMEL_MANAGEMENT_PORT="$(free_port)")
  if [ "$mode" = queue ]; then
    env=(-e ASGER_QUEUE_URL="$QUEUE_URL" -e ASGER_DLQ_URL="$DLQ_URL" -e AWS_ENDPOINT_URL_SQS="$SQS_ENDPOINT"
         -e AWS_REGION=us-east-1 -e AWS_ACCESS_KEY_ID=bench -e AWS_SECRET_ACCESS_KEY=bench
         -e CAMEL_MANAGEMENT_PORT="$(free_port)")
  fi
  : > "$log"
  started=$(now_ms)
  podman run --rm --name "$name" --runtime runc --network host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
      "${env[@]}" "$IMAGE" > "$log" 2>&1 &
  PIDS+=("$!")
  ms=$(wait_ready "$log" "$started")
  sleep "$IDLE"
  pid=$(podman inspect --format '{{.State.Pid}}' "$name")
  rss=$(rss_mb "$pid")
  podman stop --time 60 "$name" > /dev/null 2>&1
  echo "$ms $rss"
}
if [ -n "$IMAGE" ] && command -v podman > /dev/null && podman image exists "$IMAGE"; then
  report "container $IMAGE, queue-URL mode (podman run to ready)" run_container queue
  report "container $IMAGE, local mode (podman run to ready)" run_container local
else
  echo "container: no image '$IMAGE' in podman's storage (sudo scripts/build-image.sh), skipped"
fi
