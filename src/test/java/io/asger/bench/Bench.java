package io.asger.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.asger.TestEvents;
import io.asger.aws.AwsClients;
import io.asger.local.LocalQueues;
import io.asger.peers.FakeConsul;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The benchmark of issue 17: asger's packaged jar against {@link Baseline}, side by side in one run, on the same local
 * SQS (ElasticMQ, in this process) and the same loopback stand-ins (also in this process), each measured as its own
 * JVM. Not a test: it prints markdown tables. Run it with scripts/bench.sh (which documents the options).
 *
 * <p>Throughput: per concurrency one asger process and one baseline process, each with its own queue. Each round,
 * for each of the two (alternating which goes first): the process is paused (SIGSTOP), its queue loaded with the
 * round's events, its CPU time read, the process resumed; the round ends when the stand-in has seen the last call
 * of every event (the Chef node DELETE for chef and all, the Route 53 change for route53). Events per second from the
 * resume to that last call; CPU seconds (user + system, /proc/PID/stat) over the same span, so start-up is not in
 * it. Latency: events sent one by one at a steady rate to a running process; from just before each SendMessage to
 * the arrival of its last call at the stand-in (the same clock, this process).
 */
public final class Bench {

    static final String REGION = "us-east-1";

    private final Options options;
    private final Path repo;
    private final Path work;
    private final StringBuilder out = new StringBuilder();
    private final AtomicLong nextInstance = new AtomicLong(0x5ca1e0000L);
    private LocalQueues queues;
    private SqsClient sqs;
    private ChefStandIn chef;
    private AwsStandIn aws;
    private FakeConsul consul;
    /** asger.route53.requests-per-second for asger (its maximum) and the same spacing in the baseline. */
    static final String ROUTE53_RPS = "100";
    private Path keyFile;
    private final Map<BenchProcess, String> dlqOf = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(4);

    Bench(Options options, Path repo, Path work) {
        this.options = options;
        this.repo = repo;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        // The stand-ins are JDK HttpServers. Without TCP_NODELAY, a response written in two parts waits for the
        // client's delayed ACK (40 ms): about 100 ms per event of three Chef calls, for asger and the baseline alike,
        // which made latency and low-concurrency throughput measure the stand-in.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Options options = Options.parse(args);
        Path repo = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("asger-bench-");
        Bench bench = new Bench(options, repo, work);
        int code = 0;
        try {
            bench.run();
        } catch (Exception e) {
            System.out.flush();
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        } finally {
            bench.close();
        }
        System.exit(code);
    }

    void run() throws Exception {
        long started = System.nanoTime();
        print(Machine.describe(options));
        queues = new LocalQueues(0);
        queues.start();
        sqs = AwsClients.localSqs(LocalQueues.endpoint(queues.port()));
        chef = new ChefStandIn();
        aws = new AwsStandIn();
        if (options.workloads.contains("all")) {
            consul = FakeConsul.start();
        }
        keyFile = repo.resolve("target/test-classes/chef/test-client-pkcs1.pem");
        if (!Files.exists(keyFile)) {
            throw new IllegalStateException("no " + keyFile + " (mvn test-compile)");
        }
        for (String workload : options.workloads) {
            runWorkload(workload);
        }
        print(String.format(Locale.ROOT, "%nWall time of this run: %.0f s.%n", (System.nanoTime() - started) / 1e9));
        System.err.println("bench: the processes' logs are in " + work);
    }

    private void runWorkload(String workload) throws Exception {
        List<Integer> concurrencies = new ArrayList<>(options.concurrency);
        boolean latencyExtra = !concurrencies.contains(options.latencyConcurrency) && options.latencyRates.length > 0;
        if (latencyExtra) {
            concurrencies.add(options.latencyConcurrency);
        }
        Map<Integer, Result> results = new LinkedHashMap<>();
        for (int c : concurrencies) {
            boolean throughput = options.concurrency.contains(c);
            boolean latency = c == options.latencyConcurrency;
            results.put(c, runConcurrency(workload, c, throughput, latency));
        }
        printTables(workload, results);
    }

    /** What one concurrency measured, for each of the two. */
    static final class Result {
        final Map<String, List<Double>> eventsPerSecond = Map.of("asger", new ArrayList<>(), "baseline", new ArrayList<>());
        final Map<String, List<Double>> cpuPer1000 = Map.of("asger", new ArrayList<>(), "baseline", new ArrayList<>());
        /** The CPU of everything but the JIT compiler threads. */
        final Map<String, List<Double>> cpuPer1000WithoutJit = Map.of("asger", new ArrayList<>(), "baseline", new ArrayList<>());
        final List<Double> ratio = new ArrayList<>();
        final List<Double> cpuRatio = new ArrayList<>();
        final List<Double> cpuRatioWithoutJit = new ArrayList<>();
        final Map<String, Double> readyMs = new LinkedHashMap<>();
        final Map<String, Double> idleRssMb = new LinkedHashMap<>();
        /** rate -> impl -> [p50, p99, max] per round. */
        final Map<Integer, Map<String, List<double[]>>> latency = new LinkedHashMap<>();
        boolean throughput;
    }

    private Result runConcurrency(String workload, int c, boolean throughput, boolean latency) throws Exception {
        Result result = new Result();
        result.throughput = throughput;
        String prefix = "bench-" + workload + "-c" + c + "-" + System.currentTimeMillis();
        String asgerQueue = createQueue(prefix + "-asger");
        String dlq = createQueue(prefix + "-asger-dlq");
        String baselineQueue = createQueue(prefix + "-baseline");
        try (BenchProcess asger = startAsger(workload, c, asgerQueue, dlq);
             BenchProcess baseline = startBaseline(workload, c, baselineQueue)) {
            Thread.sleep(options.idleSeconds * 1000L);
            result.readyMs.put("asger", (double) asger.readyMs());
            result.readyMs.put("baseline", (double) baseline.readyMs());
            result.idleRssMb.put("asger", asger.rssMb());
            result.idleRssMb.put("baseline", baseline.rssMb());
            asger.pause();
            baseline.pause();
            Map<String, BenchProcess> procs = Map.of("asger", asger, "baseline", baseline);
            Map<String, String> queueOf = Map.of("asger", asgerQueue, "baseline", baselineQueue);
            if (options.warmup > 0) {
                for (String impl : List.of("asger", "baseline")) {
                    double[] w = drain(workload, procs.get(impl), queueOf.get(impl), options.warmup, false);
                    progress("%s c=%d warm-up %s (%d events, not counted): %.0f events/s", workload, c, impl,
                            options.warmup, w[0]);
                }
            }
            if (throughput) {
                for (int round = 0; round < options.rounds; round++) {
                    List<String> order = round % 2 == 0 ? List.of("asger", "baseline") : List.of("baseline", "asger");
                    Map<String, double[]> figures = new LinkedHashMap<>();
                    for (String impl : order) {
                        figures.put(impl, drain(workload, procs.get(impl), queueOf.get(impl), options.events, true));
                        progress("%s c=%d round %d %s: %.0f events/s, %.3f CPU s/1000 events (%.3f without JIT compiling)",
                                workload, c, round + 1, impl, figures.get(impl)[0], figures.get(impl)[1], figures.get(impl)[2]);
                    }
                    for (String impl : order) {
                        result.eventsPerSecond.get(impl).add(figures.get(impl)[0]);
                        result.cpuPer1000.get(impl).add(figures.get(impl)[1]);
                        result.cpuPer1000WithoutJit.get(impl).add(figures.get(impl)[2]);
                    }
                    result.ratio.add(figures.get("asger")[0] / figures.get("baseline")[0]);
                    result.cpuRatio.add(figures.get("asger")[1] / figures.get("baseline")[1]);
                    result.cpuRatioWithoutJit.add(figures.get("asger")[2] / figures.get("baseline")[2]);
                }
            }
            if (latency) {
                for (int rate : options.latencyRates) {
                    Map<String, List<double[]>> byImpl = new LinkedHashMap<>();
                    byImpl.put("asger", new ArrayList<>());
                    byImpl.put("baseline", new ArrayList<>());
                    for (int round = 0; round < options.rounds; round++) {
                        List<String> order = round % 2 == 0 ? List.of("asger", "baseline") : List.of("baseline", "asger");
                        for (String impl : order) {
                            double[] l = steady(workload, procs.get(impl), queueOf.get(impl), rate);
                            byImpl.get(impl).add(l);
                            progress("%s c=%d latency at %d events/s round %d %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                                    workload, c, rate, round + 1, impl, l[0], l[1], l[2]);
                        }
                    }
                    result.latency.put(rate, byImpl);
                }
            }
            long dead = depth(dlq);
            if (dead > 0) {
                throw new IllegalStateException(dead + " messages were dead-lettered by asger at concurrency " + c
                        + ": the figures would be wrong; see " + asger.log);
            }
        }
        return result;
    }

    /**
     * Loads n events while the process is paused, resumes it, waits for the last call of each; [events/s, CPU s/1000,
     * CPU s/1000 but the JIT compiler threads']. A measured drain (not a warm-up) is noted as a window of the process's
     * profile, the only part JfrTop reads.
     */
    private double[] drain(String workload, BenchProcess proc, String queueUrl, int n, boolean measured) throws Exception {
        List<String> ids = newInstances(workload, n);
        load(queueUrl, ids);
        Arrivals arrivals = completion(workload);
        long before = arrivals.count();
        double cpu0 = proc.cpuSeconds();
        double jit0 = proc.jitCpuSeconds();
        long t0 = System.nanoTime();
        long resumedAt = System.currentTimeMillis();
        proc.resume();
        awaitArrivals(arrivals, before + n, timeoutSeconds(n), proc);
        if (measured) {
            proc.measured(resumedAt, System.currentTimeMillis());
        }
        double cpu1 = proc.cpuSeconds();
        double jit1 = proc.jitCpuSeconds();
        long last = ids.stream().mapToLong(arrivals::at).max().orElseThrow();
        awaitEmpty(queueUrl);
        proc.pause();
        double seconds = (last - t0) / 1e9;
        double jit = Math.max(0, jit1 - jit0);
        return new double[] {n / seconds, (cpu1 - cpu0) / n * 1000, (cpu1 - cpu0 - jit) / n * 1000};
    }

    /** Sends events one by one at {@code rate} per second for the configured seconds; [p50, p99, max] in ms. */
    /** How long a process runs after its resume before the steady rate starts (see steady). */
    static final long RESUME_SETTLE_MILLIS = 2000;

    private double[] steady(String workload, BenchProcess proc, String queueUrl, int rate) throws Exception {
        int n = Math.max(1, rate * options.latencySeconds);
        List<String> ids = newInstances(workload, n);
        Arrivals arrivals = completion(workload);
        long before = arrivals.count();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        proc.resume();
        // A resumed process first finishes what the pause cut short (a receive under way, timers that came due): the
        // first events would wait on that, which is the pause's doing, not a latency of the process.
        Thread.sleep(RESUME_SETTLE_MILLIS);
        long start = System.nanoTime();
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String id = ids.get(i);
            String body = event(i, id);
            sends.add(senders.submit(() -> {
                sentAt.put(id, System.nanoTime());
                sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
            }));
        }
        for (Future<?> f : sends) {
            f.get();
        }
        awaitArrivals(arrivals, before + n, 60 + timeoutSeconds(n), proc);
        awaitEmpty(queueUrl);
        proc.pause();
        double[] ms = ids.stream().mapToDouble(id -> (arrivals.at(id) - sentAt.get(id)) / 1e6).toArray();
        return new double[] {Stats.percentile(ms, 50), Stats.percentile(ms, 99), Stats.percentile(ms, 100)};
    }

    private long timeoutSeconds(int n) {
        return 120 + n / 20;
    }

    private void awaitArrivals(Arrivals arrivals, long target, long timeoutSeconds, BenchProcess proc) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long nextCheck = System.nanoTime();
        while (arrivals.count() < target) {
            if (System.nanoTime() > nextCheck) {
                nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                String dlq = dlqOf.get(proc);
                if (dlq != null && depth(dlq) > 0) {
                    throw new IllegalStateException(proc.label + " dead-lettered messages, so the figures would be wrong: "
                            + proc.errors());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(proc.label + ": " + (target - arrivals.count())
                        + " events still not handled after " + timeoutSeconds + " s; see " + proc.log);
            }
            Thread.sleep(5);
        }
    }

    /** Waits (up to 5 s) until the handled messages are deleted, so none comes back while the process is paused. */
    private void awaitEmpty(String queueUrl) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && depthAll(queueUrl) > 0) {
            Thread.sleep(20);
        }
    }

    private long depthAll(String queueUrl) {
        var attrs = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private long depth(String queueUrl) {
        return depthAll(queueUrl);
    }

    private Arrivals completion(String workload) {
        return workload.equals("route53") ? aws.recordDeletes : chef.nodeDeletes;
    }

    /** asger.tasks for the workload; the baseline runs them in asger's down order (reversed). */
    static String tasks(String workload) {
        return switch (workload) {
            case "chef" -> "chef";
            case "route53" -> "route53";
            default -> "chef,route53,consul";
        };
    }

    static String downOrder(String workload) {
        List<String> t = new ArrayList<>(List.of(tasks(workload).split(",")));
        java.util.Collections.reverse(t);
        return String.join(",", t);
    }

    /** Fresh instance ids (never used before in this run), set up in the stand-ins the workload needs. */
    private List<String> newInstances(String workload, int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format("i-%017x", nextInstance.getAndIncrement()));
        }
        if (!workload.equals("chef")) {
            aws.seed(ids);
        }
        if (workload.equals("all")) {
            for (String id : ids) {
                consul.registerNode("dc1", "web-" + id, AwsStandIn.address(id), Map.of("instance-id", id));
            }
        }
        return ids;
    }

    /** The mix: SNS envelopes around an Auto Scaling notification, a lifecycle hook message, an EventBridge event. */
    static String event(int i, String instanceId) {
        return switch (i % 3) {
            case 0 -> TestEvents.snsTerminate(instanceId, "web-prod-asg");
            case 1 -> TestEvents.sns(TestEvents.lifecycleTerminating(instanceId, "web-prod-asg"));
            default -> TestEvents.sns(TestEvents.eventBridgeTerminate(instanceId, "web-prod-asg"));
        };
    }

    private void load(String queueUrl, List<String> ids) throws Exception {
        List<Future<?>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 10) {
            int from = i;
            batches.add(senders.submit(() -> {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int j = from; j < Math.min(ids.size(), from + 10); j++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + j).messageBody(event(j, ids.get(j))).build());
                }
                var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("SendMessageBatch failed: " + response.failed());
                }
            }));
        }
        for (Future<?> f : batches) {
            f.get();
        }
    }

    private String createQueue(String name) {
        return sqs.createQueue(r -> r.queueName(name)).queueUrl();
    }

    private Map<String, String> awsEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", "bench");
        env.put("AWS_SECRET_ACCESS_KEY", "bench");
        env.put("AWS_ENDPOINT_URL_SQS", LocalQueues.endpoint(queues.port()).toString());
        env.put("AWS_ENDPOINT_URL_ROUTE_53", aws.endpoint());
        env.put("AWS_ENDPOINT_URL_EC2", aws.endpoint());
        env.put("AWS_ENDPOINT_URL_AUTO_SCALING", aws.endpoint());
        // asger learns its own account from STS at start-up; unanswered, it would ask again (and WARN) every 10 s.
        env.put("AWS_ENDPOINT_URL_STS", aws.endpoint());
        return env;
    }

    private BenchProcess startAsger(String workload, int c, String queueUrl, String dlqUrl) throws Exception {
        Map<String, String> env = awsEnv();
        env.put("ASGER_QUEUE_URL", queueUrl);
        env.put("ASGER_DLQ_URL", dlqUrl);
        env.put("ASGER_CONCURRENCY", Integer.toString(c));
        env.put("ASGER_DRY_RUN", "false");
        // Trust checks off for asger as for the baseline (which has none): no SNS signature check, no EC2/Auto
        // Scaling termination check; no lifecycle completion (the baseline completes none either).
        env.put("ASGER_SNS_VERIFY_SIGNATURES", "false");
        env.put("ASGER_VERIFY_TERMINATION", "false");
        env.put("ASGER_LIFECYCLE_COMPLETE", "false");
        env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));
        env.put("CAMEL_MANAGEMENT_HOST", "127.0.0.1");
        env.put("ASGER_TASKS", tasks(workload));
        env.put("ASGER_CHEF_URL", chef.url());
        env.put("ASGER_CHEF_CLIENT_NAME", "asger-bench");
        env.put("ASGER_CHEF_KEY_FILE", keyFile.toString());
        env.put("ASGER_ROUTE53_ZONE_ID", AwsStandIn.ZONE_ID);
        env.put("ASGER_ROUTE53_REQUESTS_PER_SECOND", ROUTE53_RPS);
        if (consul != null) {
            env.put("ASGER_CONSUL_URL", consul.url());
        }
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(options.javaOptions);
        command.addAll(options.profiling("asger-" + workload + "-c" + c));
        command.addAll(List.of("-jar", options.jar.toString(), "run"));
        BenchProcess p = new BenchProcess("asger c=" + c, command, env, repo, work.resolve("asger-" + workload + "-c" + c + ".log"),
                options.windows("asger-" + workload + "-c" + c));
        p.awaitReady("asger ready", 180);
        dlqOf.put(p, dlqUrl);
        return p;
    }

    private BenchProcess startBaseline(String workload, int c, String queueUrl) throws Exception {
        Map<String, String> env = awsEnv();
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(options.javaOptions);
        command.addAll(options.profiling("baseline-" + workload + "-c" + c));
        command.addAll(List.of("-Dbench.chef.url=" + chef.url(), "-Dbench.chef.client-name=asger-bench",
                "-Dbench.chef.key-file=" + keyFile, "-Dbench.route53.zone-id=" + AwsStandIn.ZONE_ID,
                "-Dbench.route53.requests-per-second=" + ROUTE53_RPS));
        if (consul != null) {
            command.add("-Dbench.consul.url=" + consul.url());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Baseline.class.getName(),
                queueUrl, Integer.toString(c), downOrder(workload)));
        BenchProcess p = new BenchProcess("baseline c=" + c, command, env, repo,
                work.resolve("baseline-" + workload + "-c" + c + ".log"), options.windows("baseline-" + workload + "-c" + c));
        p.awaitReady("baseline ready", 120);
        return p;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void printTables(String workload, Map<Integer, Result> results) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%n#### Workload `%s`%n%n", workload));
        t.append(String.format(Locale.ROOT, "Throughput: %,d events per round, %d round(s); each cell is median (min–max) over the rounds.%n%n",
                options.events, options.rounds));
        t.append("| concurrency | asger events/s | baseline events/s | asger / baseline | asger CPU s per 1,000 events | baseline CPU s per 1,000 events | CPU asger / baseline |\n");
        t.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((c, r) -> {
            if (r.throughput) {
                t.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", c,
                        Stats.spread(r.eventsPerSecond.get("asger"), "%.0f"), Stats.spread(r.eventsPerSecond.get("baseline"), "%.0f"),
                        Stats.spread(r.ratio, "%.2f"), Stats.spread(r.cpuPer1000.get("asger"), "%.2f"),
                        Stats.spread(r.cpuPer1000.get("baseline"), "%.2f"), Stats.spread(r.cpuRatio, "%.1f")));
            }
        });
        t.append("\nTargets (issue 17): asger / baseline ≥ 0.95 at every concurrency; CPU asger / baseline ≤ 1.2; "
                + "p99 < 100 ms at 20 events/s; throughput growing with concurrency until the CPUs are full.\n");
        t.append("\nThe same CPU without the JIT compiler threads' (C1, C2): the JVM still compiling a process's code during the "
                + "rounds, a cost that ends once its code is compiled (asger has much more code to compile than the baseline). "
                + "CPU s per 1,000 events:\n\n");
        t.append("| concurrency | asger | baseline | asger / baseline |\n");
        t.append("|---:|---:|---:|---:|\n");
        results.forEach((c, r) -> {
            if (r.throughput) {
                t.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", c,
                        Stats.spread(r.cpuPer1000WithoutJit.get("asger"), "%.2f"),
                        Stats.spread(r.cpuPer1000WithoutJit.get("baseline"), "%.2f"),
                        Stats.spread(r.cpuRatioWithoutJit, "%.1f")));
            }
        });
        results.forEach((c, r) -> {
            if (!r.latency.isEmpty()) {
                t.append(String.format(Locale.ROOT, "%nLatency at concurrency %d, from just before the SQS SendMessage to the arrival of the %s at the stand-in "
                        + "(%d s at each rate; median (min–max) over %d round(s)), in ms:%n%n", c, lastCall(workload),
                        options.latencySeconds, options.rounds));
                t.append("| rate | asger p50 | asger p99 | asger max | baseline p50 | baseline p99 | baseline max |\n");
                t.append("|---:|---:|---:|---:|---:|---:|---:|\n");
                r.latency.forEach((rate, byImpl) -> {
                    t.append(String.format(Locale.ROOT, "| %d events/s", rate));
                    for (String impl : List.of("asger", "baseline")) {
                        for (int k = 0; k < 3; k++) {
                            int index = k;
                            t.append(" | ").append(Stats.spread(byImpl.get(impl).stream().map(a -> a[index]).toList(), "%.1f"));
                        }
                    }
                    t.append(" |\n");
                });
            }
        });
        t.append(String.format(Locale.ROOT, "%nStart-up (launch to the \"asger ready\" / \"baseline ready\" line) and idle RSS (VmRSS %d s after ready):%n%n", options.idleSeconds));
        t.append("| concurrency | asger ready ms | baseline ready ms | asger idle RSS MB | baseline idle RSS MB |\n");
        t.append("|---:|---:|---:|---:|---:|\n");
        results.forEach((c, r) -> t.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f |%n", c,
                r.readyMs.get("asger"), r.readyMs.get("baseline"), r.idleRssMb.get("asger"), r.idleRssMb.get("baseline"))));
        t.append(String.format(Locale.ROOT, "%nSo far in this run: Chef stand-in %,d requests, %,d unsigned (refused), %,d node DELETEs for %,d "
                        + "distinct instances; AWS stand-in %,d Route 53 requests, %,d EC2 DescribeInstances, %,d refused, "
                        + "records of %,d distinct instances deleted.%n",
                chef.requests.get(), chef.unsigned.get(), chef.nodeDeletes.total(), chef.nodeDeletes.count(),
                aws.route53Requests.get(), aws.ec2Requests.get(), aws.refused.get(), aws.recordDeletes.count()));
        print(t.toString());
    }

    private static String lastCall(String workload) {
        return workload.equals("route53") ? "Route 53 change deleting its records" : "Chef node DELETE";
    }

    private void print(String text) {
        System.out.print(text);
        System.out.flush();
        out.append(text);
    }

    private void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %s] " + format + "%n",
                prepend(Instant.now().toString().substring(11, 19), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    void close() {
        senders.shutdownNow();
        if (chef != null) {
            chef.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (consul != null) {
            consul.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (queues != null) {
            queues.stop();
        }
    }

    /** The command line; see scripts/bench.sh. */
    static final class Options {
        int events = 10_000;
        int rounds = 3;
        List<Integer> concurrency = List.of(1, 2, 4, 8, 16);
        List<String> workloads = List.of("chef");
        int latencyConcurrency = 2;
        int[] latencyRates = {20, 200};
        int latencySeconds = 10;
        int idleSeconds = 5;
        int warmup = 500;
        boolean quick;
        Path jar = Path.of("target/asger.jar");
        List<String> javaOptions = new ArrayList<>();
        /** --profile DIR: a JFR recording (settings=profile) of every measured JVM, written there when it stops. */
        Path profile;
        final List<String> given = new ArrayList<>();

        /**
         * Where the measured rounds' windows go beside the recording NAME.jfr (JfrTop reads only those, not the
         * warm-up's compiling or the latency test); null without --profile.
         */
        Path windows(String name) {
            return profile == null ? null : profile.toAbsolutePath().resolve(name + JfrTop.WINDOWS);
        }

        List<String> profiling(String name) {
            return profile == null ? List.of() : List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + profile.toAbsolutePath().resolve(name + ".jfr"));
        }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                o.given.add(a);
                switch (a) {
                    case "--quick" -> {
                        o.quick = true;
                        o.events = 1000;
                        o.rounds = 1;
                        o.concurrency = List.of(2);
                        o.latencySeconds = 5;
                        o.idleSeconds = 2;
                        o.warmup = 200;
                    }
                    case "--events" -> o.events = Integer.parseInt(value(args, ++i, a, o));
                    case "--rounds" -> o.rounds = Integer.parseInt(value(args, ++i, a, o));
                    case "--concurrency" -> o.concurrency = ints(value(args, ++i, a, o));
                    case "--workload" -> o.workloads = value(args, ++i, a, o).equals("all")
                            ? List.of("all") : List.of(value(args, i, a, o).split(","));
                    case "--latency-concurrency" -> o.latencyConcurrency = Integer.parseInt(value(args, ++i, a, o));
                    case "--latency-rates" -> o.latencyRates = value(args, ++i, a, o).isEmpty() ? new int[0]
                            : ints(value(args, i, a, o)).stream().mapToInt(Integer::intValue).toArray();
                    case "--latency-seconds" -> o.latencySeconds = Integer.parseInt(value(args, ++i, a, o));
                    case "--idle-seconds" -> o.idleSeconds = Integer.parseInt(value(args, ++i, a, o));
                    case "--warmup" -> o.warmup = Integer.parseInt(value(args, ++i, a, o));
                    case "--jar" -> o.jar = Path.of(value(args, ++i, a, o));
                    case "--java-option" -> o.javaOptions.add(value(args, ++i, a, o));
                    case "--profile" -> {
                        o.profile = Path.of(value(args, ++i, a, o));
                        // The JVM does not make the recording's directory itself, and would not start.
                        try {
                            java.nio.file.Files.createDirectories(o.profile);
                        } catch (java.io.IOException e) {
                            throw new IllegalArgumentException("--profile " + o.profile + ": " + e.getMessage());
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see scripts/bench.sh)");
                }
            }
            for (String w : o.workloads) {
                if (!List.of("chef", "route53", "all").contains(w)) {
                    throw new IllegalArgumentException("--workload: chef, route53 or all (comma separated), not " + w);
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String option, Options o) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            if (o.given.size() <= i) {
                o.given.add(args[i]);
            }
            return args[i];
        }

        private static List<Integer> ints(String csv) {
            return java.util.Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
        }
    }
}
