package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.asger.aws.AwsClients;
import io.asger.peers.Goiardi;
import io.asger.peers.TcpProxy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Issue 14, section 5: asger loses nothing under a crash, a Chef outage, duplicate deliveries and replicas. The chef
 * task against a real Chef server (goiardi -A), events through a real SQS peer (ElasticMQ); the crash and the
 * replicas run the packaged target/asger.jar as separate processes. Each test prints its figures
 * ({@code [prove-it] ...} lines in the test output). goiardi's search takes time in proportion to the nodes it holds
 * (about 250 ms a search at 1,000 nodes), so the crash test defaults to 200 events to stay within the suite's time;
 * {@code -Dprove.crash.events=1000} runs it at the size.
 */
class ProveItIT {

    static final Path JAR = Path.of("target/asger.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static Goiardi chef;
    private static String publicKey;

    /** Each test's asger logs stay here, to read after a run. */
    Path work;

    @org.junit.jupiter.api.BeforeEach
    void workDirectory(org.junit.jupiter.api.TestInfo test) throws IOException {
        work = Files.createDirectories(Path.of("target/prove-it", test.getTestMethod().orElseThrow().getName()));
    }

    @BeforeAll
    static void startChef() throws IOException {
        chef = Goiardi.start();
        publicKey = Files.readString(Path.of("src/test/resources/chef/test-client-public.pem"));
    }

    @AfterAll
    static void stopChef() {
        if (chef != null) {
            chef.close();
        }
    }

    @Test
    void killedInTheMiddleOf1000TerminationsAndStartedAgainLeavesNothingBehind() throws Exception {
        int events = Integer.getInteger("prove.crash.events", 200);
        Map<String, String> nodes = nodes("crash", 0x10000, events);
        Queues q = queues();
        send(q.main, bodies(nodes));
        long start = System.nanoTime();

        Process first = asger("crash-1.log", q, Map.of("ASGER_CONCURRENCY", "5"));
        Awaitility.await("a third deleted").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .failFast("asger exited: " + work.resolve("crash-1.log"), () -> !first.isAlive())
                .until(() -> left(nodes) <= events * 2 / 3);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int leftAtKill = left(nodes);
        double killedAt = seconds(start);

        Process second = asger("crash-2.log", q, Map.of("ASGER_CONCURRENCY", "5"));
        try {
            Awaitility.await("all handled after the restart").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> depth(q.main) == 0 && left(nodes) == 0);
            Set<String> clients = chef.clientNames();
            long clientsLeft = nodes.keySet().stream().filter(clients::contains).count();
            int redelivered = count(read("crash-2.log"), "no node matches");
            System.out.printf("[prove-it] crash: events %d, kill -9 after %.1f s with %d deleted, restarted: all done in %.1f s; "
                    + "nodes left %d, clients left %d, main queue %d, dead letters %d, redelivered after the kill %d%n",
                    events, killedAt, events - leftAtKill, seconds(start), left(nodes), clientsLeft, depth(q.main), depth(q.dlq), redelivered);
            assertThat(left(nodes)).isZero();
            assertThat(clientsLeft).isZero();
            assertThat(depth(q.main)).isZero();
            assertThat(depth(q.dlq)).isZero();
            assertThat(second.isAlive()).as("the restarted asger runs on").isTrue();
        } finally {
            stop(second);
        }
    }

    @Test
    void chefUnreachableFor30SecondsDuringABurstIsRiddenOutWithoutDeadLetters() throws Exception {
        Map<String, String> nodes = nodes("outage", 0x20000, 100);
        try (TcpProxy proxy = new TcpProxy(chef.port());
                AsgerTestApp app = AsgerTestApp.start(chefTask(proxy.url("http"),
                        // A retry budget (about 70 s) longer than the outage.
                        "asger.retry.delay-ms", "500", "asger.retry.max-delay-ms", "4000", "asger.retry.multiplier", "2",
                        "asger.retry.max-redeliveries", "20", "asger.concurrency", "2"))) {
            long start = System.nanoTime();
            send(app.queueUrl(), bodies(nodes));
            Awaitility.await("the burst under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> left(nodes) <= 95);
            proxy.stop();
            int leftAtOutage = left(nodes);
            Thread.sleep(30_000);
            int leftAfterOutage = left(nodes);
            proxy.start();
            app.awaitDrained(Duration.ofSeconds(120));
            int retries = count(app.logText(), "Failed delivery for");
            System.out.printf("[prove-it] outage: events 100, Chef unreachable 30 s (from %d left to %d left), all done in %.1f s; "
                    + "nodes left %d, retries %d, dead letters %d%n",
                    leftAtOutage, leftAfterOutage, seconds(start), left(nodes), retries, app.dlq().size());
            assertThat(leftAfterOutage).as("nothing deleted while Chef was unreachable").isEqualTo(leftAtOutage);
            assertThat(left(nodes)).isZero();
            assertThat(app.dlq()).isEmpty();
            assertThat(retries).as("retried through the outage").isPositive();
        }
    }

    @Test
    void everyMessageDeliveredThreeTimesGivesTheSameEndStateAndNoDeadLetters() throws Exception {
        Map<String, String> nodes = nodes("dup", 0x30000, 100);
        Map<String, String> bystanders = nodes("bystander", 0x38000, 5);
        List<String> bodies = new ArrayList<>();
        for (String body : bodies(nodes)) {
            bodies.addAll(List.of(body, body, body));
        }
        try (AsgerTestApp app = AsgerTestApp.start(chefTask(chef.url(), "asger.concurrency", "2"))) {
            long start = System.nanoTime();
            send(app.queueUrl(), bodies);
            app.awaitDrained(Duration.ofSeconds(120));
            Set<String> clients = chef.clientNames();
            String log = app.logText();
            System.out.printf("[prove-it] duplicates: events %d (100 instances x 3), %.1f s; handled %d, nodes left %d, "
                    + "clients left %d, bystanders kept %d of 5, dead letters %d%n", bodies.size(), seconds(start),
                    count(log, ": handled in "), left(nodes), nodes.keySet().stream().filter(clients::contains).count(),
                    left(bystanders), app.dlq().size());
            assertThat(left(nodes)).isZero();
            assertThat(nodes.keySet()).noneMatch(clients::contains);
            assertThat(left(bystanders)).isEqualTo(5);
            assertThat(bystanders.keySet()).allMatch(clients::contains);
            assertThat(app.dlq()).isEmpty();
            assertThat(count(log, ": handled in ")).isEqualTo(300);
        }
    }

    @Test
    void threeReplicasOnOneQueueHandle3000EventsLosingNone() throws Exception {
        // The log task: this measures the queue handling of three processes, not a Chef server's search speed.
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            bodies.add(TestEvents.rawTerminate(String.format("i-%08x", 0x40000 + i), "web-asg"));
        }
        Queues q = queues();
        List<Process> replicas = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                replicas.add(asger("replica-" + i + ".log", q, Map.of("ASGER_TASKS", "log", "ASGER_CONCURRENCY", "4")));
            }
            for (int i = 1; i <= 3; i++) {
                String logName = "replica-" + i + ".log";
                Awaitility.await(logName + " started").atMost(Duration.ofSeconds(90))
                        .until(() -> read(logName).contains("asger ready"));
            }
            long start = System.nanoTime();
            send(q.main, bodies);
            Map<String, Integer> handledBy = new LinkedHashMap<>();
            Map<String, Long> finished = new java.util.HashMap<>();
            Awaitility.await("all handled").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> depth(q.main) == 0);
            double took = seconds(start);
            Pattern done = Pattern.compile("Finished message ([^:]+): handled in");
            for (int i = 1; i <= 3; i++) {
                Matcher m = done.matcher(read("replica-" + i + ".log"));
                int n = 0;
                while (m.find()) {
                    finished.merge(m.group(1), 1L, Long::sum);
                    n++;
                }
                handledBy.put("replica-" + i, n);
            }
            long duplicates = finished.values().stream().mapToLong(v -> v - 1).sum();
            System.out.printf("[prove-it] replicas: events 3000, 3 processes x 4 consumers, %.1f s; handled per replica %s, "
                    + "distinct messages handled %d, handled twice %d, main queue %d, dead letters %d, all alive %s%n",
                    took, handledBy, finished.size(), duplicates, depth(q.main), depth(q.dlq),
                    replicas.stream().allMatch(Process::isAlive));
            assertThat(finished).hasSize(3000);
            assertThat(duplicates).isZero();
            assertThat(depth(q.dlq)).isZero();
            assertThat(replicas).allMatch(Process::isAlive);
            assertThat(handledBy.values()).allMatch(n -> n > 0);
        } finally {
            // All at once: each waits for its long poll to end.
            replicas.forEach(Process::destroy);
            replicas.forEach(ProveItIT::stop);
        }
    }

    // --- helpers ---

    record Queues(URI main, URI dlq) {
    }

    private static Queues queues() {
        return new Queues(AsgerTestApp.createQueue("prove"), AsgerTestApp.createQueue("prove-dlq"));
    }

    /** {@code count} nodes, with their clients, made in goiardi: name -> instance id. */
    private static Map<String, String> nodes(String prefix, int first, int count) {
        Map<String, String> nodes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            nodes.put(prefix + "-" + i, String.format("i-%08x", first + i));
        }
        chef.createNodesAndClients(nodes, publicKey, 8);
        return nodes;
    }

    private static int left(Map<String, String> nodes) {
        Set<String> all = chef.nodeNames();
        return (int) nodes.keySet().stream().filter(all::contains).count();
    }

    /** Terminate notifications, as SNS raw message delivery brings them (no envelope). */
    private static List<String> bodies(Map<String, String> nodes) {
        return nodes.values().stream().map(id -> TestEvents.rawTerminate(id, "web-asg")).collect(Collectors.toList());
    }

    private static Map<String, String> chefTask(String url, String... overrides) {
        Map<String, String> p = new java.util.HashMap<>(Map.of("asger.tasks", "chef", "asger.chef.url", url,
                "asger.chef.client-name", Goiardi.ADMIN, "asger.chef.key-file", chef.adminKey().toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            p.put(overrides[i], overrides[i + 1]);
        }
        return p;
    }

    /** Sends in batches of 10, on 4 threads. */
    private static void send(URI queue, List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i += 10) {
                List<String> batch = bodies.subList(i, Math.min(bodies.size(), i + 10));
                sent.add(pool.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int j = 0; j < batch.size(); j++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(j)).messageBody(batch.get(j)).build());
                    }
                    var answer = sqs.sendMessageBatch(SendMessageBatchRequest.builder().queueUrl(queue.toString()).entries(entries).build());
                    if (answer.hasFailed() && !answer.failed().isEmpty()) {
                        throw new IllegalStateException("send failed: " + answer.failed());
                    }
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int depth(URI queue) {
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                    .queueUrl(queue.toString()).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE).build()).attributes();
            return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }

    /** target/asger.jar against the test's queues and goiardi, its output in {@code logName}. */
    private Process asger(String logName, Queues q, Map<String, String> extra) throws IOException {
        List<String> command = List.of(JAVA, "-Dcamel.management.port=" + JarIT.freePort(), "-jar", JAR.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(logName).toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ENDPOINT_URL_SQS", AsgerTestApp.sqsEndpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("ASGER_QUEUE_URL", q.main.toString());
        env.put("ASGER_DLQ_URL", q.dlq.toString());
        env.put("ASGER_TASKS", "chef");
        env.put("ASGER_CHEF_URL", chef.url());
        env.put("ASGER_CHEF_CLIENT_NAME", Goiardi.ADMIN);
        env.put("ASGER_CHEF_KEY_FILE", chef.adminKey().toString());
        env.put("ASGER_RETRY_DELAY_MS", "100");
        env.put("ASGER_RETRY_MAX_DELAY_MS", "1000");
        env.put("ASGER_POLL_WAIT_SECONDS", "1");
        env.put("ASGER_VISIBILITY_TIMEOUT_SECONDS", "10");
        // The instances are made up: no EC2 to ask whether they are going away (TerminationCheckIT covers that).
        env.put("ASGER_VERIFY_TERMINATION", "false");
        env.putAll(extra);
        return pb.start();
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String read(String logName) {
        try {
            return Files.readString(work.resolve(logName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
