package io.asger.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.peers.WebhookReceiver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The webhook task, written in Camel XML DSL (routes/webhook.camel.xml), through the whole application: events on
 * SQS, the real routes, a real HTTP server receiving the POSTs.
 */
class WebhookTaskIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    /** The path stands for the secret part of a real webhook URL: it must never be logged. */
    static final String SECRET_PATH = "/hooks/T000-s3cr3t-t0ken";

    WebhookReceiver receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    Map<String, String> settings() {
        return Map.of("asger.tasks", "webhook", "asger.webhook.url", receiver.url(SECRET_PATH));
    }

    @Test
    void launchAndTerminationArePostedAsJson() throws Exception {
        try (AsgerTestApp app = AsgerTestApp.start(settings())) {
            app.send(TestEvents.snsLaunch("i-0123456789abcdef0", "web"));
            Awaitility.await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            Awaitility.await().atMost(WAIT).until(() -> receiver.requests().size() == 2);
            app.awaitDrained(WAIT);

            WebhookReceiver.Request up = receiver.requests().get(0);
            assertThat(up.method()).isEqualTo("POST");
            assertThat(up.path()).isEqualTo(SECRET_PATH);
            assertThat(up.contentType()).startsWith("application/json");
            JsonNode upJson = JSON.readTree(up.body());
            assertThat(upJson.path("type").asText()).isEqualTo("UP");
            assertThat(upJson.path("direction").asText()).isEqualTo("up");
            assertThat(upJson.path("instanceId").asText()).isEqualTo("i-0123456789abcdef0");
            assertThat(upJson.path("groupName").asText()).isEqualTo("web");
            assertThat(upJson.path("text").asText()).isEqualTo("asger: UP i-0123456789abcdef0 in group web");

            // asger's calls keep no state: a cookie the receiver set is not sent back (nor to any other server).
            assertThat(receiver.requests()).extracting(WebhookReceiver.Request::cookie).containsOnlyNulls();
            JsonNode downJson = JSON.readTree(receiver.requests().get(1).body());
            assertThat(downJson.path("type").asText()).isEqualTo("DOWN");
            assertThat(downJson.path("account").asText()).isEqualTo(TestEvents.ACCOUNT);
            assertThat(downJson.path("messageId").asText()).isNotBlank();
            assertThat(downJson.has("lifecycleActionToken")).isFalse();

            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("webhook: posted DOWN i-0123456789abcdef0 to " + receiver.url("") + " (200)")
                    .doesNotContain("s3cr3t");
        }
    }

    @Test
    void aBusyReceiverIsRetriedUntilItTakesTheEvent() {
        receiver.answer(503, 500);
        try (AsgerTestApp app = AsgerTestApp.start(settings())) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            assertThat(receiver.requests()).hasSize(3);
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("answered 503").doesNotContain("s3cr3t");
        }
    }

    @Test
    void aRefusedPostIsDeadLetteredAtOnceWithoutTheSecret() {
        receiver.answer(403);
        try (AsgerTestApp app = AsgerTestApp.start(settings())) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);
            assertThat(receiver.requests()).hasSize(1);
            String reason = dead.get(0).messageAttributes().get("asger-error-message").stringValue();
            assertThat(reason).contains("webhook POST to " + receiver.url("") + " answered 403")
                    .contains("asger.webhook.url").doesNotContain("s3cr3t");
            assertThat(dead.get(0).messageAttributes().get("asger-error-kind").stringValue()).isEqualTo("permanent");
            assertThat(app.logText()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void anUnreachableReceiverIsTransientThenDeadLettered() {
        String url = receiver.url(SECRET_PATH);
        receiver.close();
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "webhook", "asger.webhook.url", url,
                "asger.retry.max-redeliveries", "2"))) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            assertThat(dead.get(0).messageAttributes().get("asger-error-kind").stringValue()).isEqualTo("transient");
            assertThat(dead.get(0).messageAttributes().get("asger-attempts").stringValue()).isEqualTo("3");
            assertThat(app.logText()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void dryRunLogsThePostAndSendsNothing() {
        Map<String, String> dry = new java.util.HashMap<>(settings());
        dry.put("asger.dry-run", "true");
        try (AsgerTestApp app = AsgerTestApp.start(dry)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            assertThat(app.logText()).contains("dry-run: would POST to " + receiver.url("") + " {\"text\":\"asger: DOWN i-0123456789abcdef0 in group web\"");
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void withoutAUrlAsgerDoesNotStartAndSaysWhichSettingIsMissing() {
        assertThatThrownBy(() -> AsgerTestApp.start(Map.of("asger.tasks", "webhook")).close())
                .hasStackTraceContaining("asger.webhook.url: is required because asger.tasks includes 'webhook'");
    }

    @Test
    void aBadUrlIsRefusedAtStartUpWithoutRepeatingIt() {
        assertThatThrownBy(() -> AsgerTestApp.start(Map.of("asger.tasks", "webhook",
                "asger.webhook.url", "ftp://hooks.example.com/s3cr3t")).close())
                .hasStackTraceContaining("asger.webhook.url: must be an http or https URL")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("s3cr3t"));
    }

    static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
