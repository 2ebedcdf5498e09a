package io.asger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The header of the benchmark's output: what ran, on what, and how to read it. */
final class Machine {

    private Machine() {
    }

    static String describe(Bench.Options o) throws IOException, InterruptedException {
        StringBuilder s = new StringBuilder();
        s.append("### asger benchmark run (scripts/bench.sh)\n\n");
        s.append("- Command: `scripts/bench.sh").append(o.given.isEmpty() ? "" : " " + String.join(" ", o.given)).append("`\n");
        s.append("- Started: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n");
        s.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc), ")
                .append(cpuModel()).append("; load average at start ").append(loadAverage()).append("\n");
        s.append("- Java: ").append(javaVersion()).append(o.javaOptions.isEmpty() ? ", default JVM flags for both"
                : ", flags for both: " + String.join(" ", o.javaOptions)).append("\n");
        s.append(String.format(Locale.ROOT, "- Run: workloads %s; %,d events per round, %d round(s), concurrency %s; "
                        + "latency at concurrency %d, rates %s events/s for %d s each; %,d warm-up events per process first (not counted)%n",
                String.join(",", o.workloads), o.events, o.rounds, o.concurrency, o.latencyConcurrency,
                java.util.Arrays.toString(o.latencyRates), o.latencySeconds, o.warmup));
        s.append("- asger: `java -jar ").append(o.jar).append(" run` (routes/ of this checkout), configured by ASGER_* "
                + "variables: asger.concurrency = N (N SQS consumers, up to 10 × N messages in flight), dry run off. "
                + "**Trust checks off for both**: asger.sns.verify-signatures=false, asger.verify-termination=false "
                + "(the baseline does neither); asger.lifecycle.complete=false (neither completes lifecycle actions).\n");
        s.append("- Baseline: io.asger.bench.Baseline in its own JVM: N threads, each receive 10 (long poll) → "
                + "each task for the 10 in parallel on 10 × N worker threads (as many in flight as asger) → one "
                + "DeleteMessageBatch; same AWS SDK SQS client (Apache HTTP), "
                + "Apache HttpClient 5 for Chef (as camel-http), asger's ChefRequestSigner (X-Ops v1.1).\n");
        s.append("- Events: SNS envelopes (signature fields present, not verified) around, in turn, an Auto Scaling "
                + "EC2_INSTANCE_TERMINATE notification, a lifecycle hook EC2_INSTANCE_TERMINATING message and an "
                + "EventBridge \"EC2 Instance Terminate Successful\" event; every one a fresh instance id.\n");
        s.append("- Peers, on loopback in the benchmark's own JVM: ElasticMQ (SQS), a Chef stand-in "
                + "(io.asger.bench.ChefStandIn: checks the X-Ops signing headers are present, answers partial search "
                + "and DELETE 200 with JSON as Chef does), and STS GetCallerIdentity (io.asger.bench.AwsStandIn) for "
                + "asger's own account at start-up");
        if (!o.workloads.equals(java.util.List.of("chef"))) {
            s.append("; for route53 and all, io.asger.bench.AwsStandIn (EC2 DescribeInstances, Auto Scaling "
                    + "DescribeTags, Route 53 GetHostedZone, ListResourceRecordSets and ChangeResourceRecordSets, in "
                    + "their own protocols; a DELETE of a record that does not exist is refused), Route 53 calls spaced "
                    + "to " + Bench.ROUTE53_RPS + " per second by both (asger.route53.requests-per-second, its maximum; "
                    + "record names {instanceId}.asg.internal); for all, io.asger.peers.FakeConsul (catalog lookup by "
                    + "node meta, deregister)");
        }
        s.append(".\n");
        s.append("- CPU: user + system seconds of the measured JVM (/proc/PID/stat) from its resume to the last event's "
                + "last call; start-up is not in it. The machine is shared and noisy: **only ratios within one run "
                + "mean something**; compare runs by their ratios, not their events/s.\n");
        return s.toString();
    }

    static String cpuModel() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU model";
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static String javaVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Bench.javaBin(), "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.replace("\n", "; ");
    }
}
