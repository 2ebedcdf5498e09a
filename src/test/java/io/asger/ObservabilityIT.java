package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.DeadLetterAttributes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics as an operator's probe and Prometheus see them: over HTTP, from the management port, after
 * real events went through the real routes.
 */
class ObservabilityIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
    }

    @Test
    void metricsCountWhatHappenedToEachMessage() throws Exception {
        TaskRecorder.failNext("third-down", 1, false);
        try (AsgerTestApp app = AsgerTestApp.start(PipelineIT.CHAIN, PipelineIT.TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));   // handled after one retry of third
            app.send(TestEvents.rawLaunch("i-0123456789abcdef1", "web"));      // handled
            app.send("{\"not\": \"an event\"}");                                // dead-lettered
            app.send(TestEvents.snsTest("web"));                                // test
            app.send(TestEvents.eventBridgeTerminate("i-00000004", "web"),      // replayed, handled
                    Map.of(DeadLetterAttributes.ORIGINAL_MESSAGE_ID, "0f6a2c1e-original"));
            app.awaitDrained(WAIT);
            app.awaitDlq(1, WAIT);

            String scrape = get(app.observe().resolve("/observe/metrics")).body();
            assertThat(sample(scrape, "asger_events_received_total", Map.of("type", "DOWN", "format", "sns-notification"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_events_received_total", Map.of("type", "UP"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_events_received_total", Map.of("type", "TEST"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_messages_total", Map.of("outcome", "handled"))).isEqualTo(3);
            assertThat(sample(scrape, "asger_messages_total", Map.of("outcome", "dead-lettered"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_messages_total", Map.of("outcome", "test"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_messages_dead_lettered_total", Map.of())).isEqualTo(1);
            assertThat(sample(scrape, "asger_messages_replayed_total", Map.of())).isEqualTo(1);
            assertThat(sample(scrape, "asger_retries_total", Map.of("task", "third"))).as(scrape.lines().filter(l -> l.contains("asger_")).toList().toString()).isEqualTo(1);
            // third ran twice for the terminate (one failure, one success) and once for the replayed one.
            assertThat(sample(scrape, "asger_task_seconds_count", Map.of("task", "third", "direction", "down", "outcome", "failed"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_task_seconds_count", Map.of("task", "third", "direction", "down", "outcome", "succeeded"))).isEqualTo(2);
            assertThat(sample(scrape, "asger_task_seconds_count", Map.of("task", "first", "direction", "up", "outcome", "succeeded"))).isEqualTo(1);
            assertThat(sample(scrape, "asger_task_seconds_bucket", Map.of("task", "first", "direction", "up", "le", "+Inf"))).isEqualTo(1);
            // End to end, from the SentTimestamp: one per message, whatever its outcome.
            assertThat(sample(scrape, "asger_message_handling_seconds_count", Map.of("outcome", "handled"))).isEqualTo(3);
            assertThat(sample(scrape, "asger_message_handling_seconds_count", Map.of())).isEqualTo(5);
            assertThat(sample(scrape, "asger_message_handling_seconds_sum", Map.of("outcome", "handled"))).isGreaterThan(0);
            // Camel's route metrics: one exchange per message, on the route that receives it, and on no other route.
            assertThat(sample(scrape, "camel_exchanges_total", Map.of("routeId", "receive-asg-events"))).isEqualTo(5);
            assertThat(sample(scrape, "camel_route_policy_seconds_count", Map.of("routeId", "receive-asg-events"))).isEqualTo(5);
            assertThat(scrape.lines().filter(l -> l.startsWith("camel_exchanges_total{") || l.startsWith("camel_route_policy_seconds_count{"))
                    .filter(l -> !l.contains("routeId=\"receive-asg-events\""))).isEmpty();
        }
    }

    @Test
    void readyOnceTheRoutesRunAndTheQueueAnswered() throws Exception {
        try (AsgerTestApp app = AsgerTestApp.start(Map.of())) {
            Awaitility.await().atMost(WAIT).until(() -> get(app.observe().resolve("/observe/health/ready")).statusCode() == 200);
            HttpResponse<String> ready = get(app.observe().resolve("/observe/health/ready"));
            JsonNode checks = new ObjectMapper().readTree(ready.body()).path("checks");
            assertThat(checks.findValuesAsText("name")).contains("asger-queue", "route:receive-asg-events");
            assertThat(get(app.observe().resolve("/observe/health/live")).statusCode()).isEqualTo(200);
            assertThat(get(app.observe().resolve("/observe/health")).statusCode()).isEqualTo(200);
            assertThat(get(app.observe().resolve("/observe/metrics")).headers().firstValue("content-type").orElse(""))
                    .startsWith("text/plain");
        }
    }

    @Test
    void notReadyWhileTheQueueDoesNotAnswerButLive() throws Exception {
        URI missing = URI.create(AsgerTestApp.sqsEndpoint() + "/000000000000/no-such-queue-" + System.nanoTime());
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.queue-url", missing.toString()))) {
            Awaitility.await().atMost(WAIT).until(() -> get(app.observe().resolve("/observe/health/ready")).body()
                    .contains("the queue did not answer"));
            assertThat(get(app.observe().resolve("/observe/health/ready")).statusCode()).isEqualTo(503);
            assertThat(get(app.observe().resolve("/observe/health/live")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void everyDashboardPanelQueriesMetricsTheScrapeHas() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("deploy/grafana-dashboard.json")));
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("panels").size()).isGreaterThan(0);
        TaskRecorder.failNext("first-down", 1, false);
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first"), PipelineIT.TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.send("not json");
            app.send(Files.readString(Path.of("examples/events/sns-subscription-confirmation.json")));
            app.send(TestEvents.rawLaunch("i-0123456789abcdef1", "web"), Map.of(DeadLetterAttributes.ORIGINAL_MESSAGE_ID, "x"));
            app.awaitDrained(WAIT);
            app.awaitDlq(1, WAIT);
            Set<String> scraped = metricNames(get(app.observe().resolve("/observe/metrics")).body());
            for (JsonNode panel : dashboard.path("panels")) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.path("targets").size()).as("panel %s has queries", panel.path("title")).isPositive();
                for (JsonNode target : panel.path("targets")) {
                    Set<String> used = metricNames(target.path("expr").asText());
                    assertThat(used).as("panel %s: %s", panel.path("title"), target.path("expr")).isNotEmpty();
                    assertThat(scraped).as("panel %s", panel.path("title")).containsAll(used);
                }
            }
        }
    }

    static final Pattern METRIC = Pattern.compile("\\b(asger_[a-z_]+)");

    static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            Matcher m = METRIC.matcher(line);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}. */
    static double sample(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.lines().toList()) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            String labelText = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1) : "";
            boolean all = labels.entrySet().stream().allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
