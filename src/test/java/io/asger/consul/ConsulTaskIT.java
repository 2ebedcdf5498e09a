package io.asger.consul;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.FakeConsul;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Consul task end to end: terminate events sent to SQS, the real application and routes/, FakeConsul (a fake
 * written from Consul's HTTP API documentation, not Consul) over a socket. Assertions are on the fake's catalog,
 * gossip pool and request log, on the dead-letter queue, and on what asger logged.
 */
class ConsulTaskIT {

    private static final String ID = "i-0123456789abcdef0";
    private static final String OTHER_ID = "i-0fedcba9876543210";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SECRET = "5f0e1c9a-7d1b-4c3e-9a55-secret-token";

    private FakeConsul consul;

    @BeforeEach
    void startConsul() throws IOException {
        consul = FakeConsul.start();
    }

    @AfterEach
    void stopConsul() {
        consul.close();
    }

    private AsgerTestApp asger(String... settings) {
        Map<String, String> properties = new HashMap<>();
        properties.put("asger.tasks", "consul");
        properties.put("asger.consul.url", consul.url());
        for (int i = 0; i < settings.length; i += 2) {
            properties.put(settings[i], settings[i + 1]);
        }
        return AsgerTestApp.start(properties);
    }

    private static String attr(Message m, String name) {
        return m.messageAttributes().get(name).stringValue();
    }

    @Test
    void terminateRemovesTheInstancesNodeAndLeavesOthersAlone() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID));

        try (AsgerTestApp app = asger()) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(consul.nodeNames("dc1")).containsExactly("web-2");
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("consul: deregistered node web-1 (" + ID + ") from the catalog");
        }
    }

    @Test
    void forceLeaveTakesTheFailedMemberOutOfGossipSoTheNodeStaysGone() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID)).memberFailed("web-2");

        try (AsgerTestApp app = asger("asger.consul.force-leave", "true")) {
            app.send(TestEvents.eventBridgeTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);
        }
        consul.reconcile(); // what Consul's leader does in the background

        assertThat(consul.hasNode("web-1")).isFalse();
        assertThat(consul.memberStatus("web-1")).isNull();
        assertThat(consul.hasNode("web-2")).isTrue();
        assertThat(consul.memberStatus("web-2")).isEqualTo(FakeConsul.MEMBER_FAILED);
        assertThat(consul.requests("PUT", "/v1/agent/force-leave/web-1")).singleElement()
                .satisfies(r -> assertThat(r.hasQueryParam("prune")).isTrue());
    }

    @Test
    void anInstanceWithoutANodeIsAWarningNotAFailure() {
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID));

        try (AsgerTestApp app = asger()) {
            app.send(TestEvents.lifecycleTerminating(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(consul.nodeNames("dc1")).containsExactly("web-2");
            assertThat(app.logText()).contains("consul: no Consul node for " + ID);
        }
    }

    @Test
    void twoNodesForOneInstanceAreDeadLetteredAtOnceAndNothingIsRemoved() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-1-old", "10.0.0.9", Map.of("instance-id", ID));

        try (AsgerTestApp app = asger()) {
            String id = app.send(TestEvents.snsTerminate(ID, "web-asg"));

            Message dead = app.awaitDlq(1, WAIT).get(0);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE)).startsWith("ambiguous: ").contains("[web-1, web-1-old]");
            assertThat(attr(dead, DeadLetterAttributes.FAILED_TASK)).isEqualTo("consul");
            assertThat(attr(dead, DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            assertThat(attr(dead, DeadLetterAttributes.ORIGINAL_MESSAGE_ID)).isEqualTo(id);
            app.awaitDrained(WAIT);
        }
        assertThat(consul.nodeNames("dc1")).containsExactly("web-1", "web-1-old");
        assertThat(consul.requests("PUT", "/")).isEmpty();
    }

    @Test
    void withAclsTheTokenIsSentOnEveryRequestAndNeverLogged() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID));
        consul.enableAcls("deny");
        consul.addToken(SECRET, "node:write", "operator:write");

        try (AsgerTestApp app = asger("asger.consul.token", SECRET, "asger.consul.force-leave", "true")) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(consul.hasNode("web-1")).isFalse();
            assertThat(consul.hasNode("web-2")).isTrue();
            assertThat(consul.requests()).hasSize(3).allSatisfy(r -> assertThat(r.token()).isEqualTo(SECRET));
            assertThat(app.logText()).contains("consul: deregistered node web-1").doesNotContain(SECRET);
        }
    }

    @Test
    void aTokenWithoutNodeWriteIsDeadLetteredNamingThePermissionAndNeverLogged() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.enableAcls("deny");
        consul.addToken(SECRET, "node:read");

        try (AsgerTestApp app = asger("asger.consul.token", SECRET)) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));

            Message dead = app.awaitDlq(1, WAIT).get(0);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead, DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("PUT /v1/catalog/deregister", "lacks node:write").doesNotContain(SECRET);
            app.awaitDrained(WAIT);
            assertThat(app.logText()).contains("lacks node:write").doesNotContain(SECRET);
        }
        assertThat(consul.hasNode("web-1")).isTrue();
    }

    @Test
    void aTokenFromAFileIsUsedAndAnUnknownOneIsDeadLettered(@TempDir Path dir) throws IOException {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID));
        consul.enableAcls("deny");
        consul.addToken(SECRET, "node:write");
        Path tokenFile = Files.writeString(dir.resolve("consul-token"), SECRET + "\n");

        try (AsgerTestApp app = asger("asger.consul.token-file", tokenFile.toString())) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);
            assertThat(consul.hasNode("web-1")).isFalse();

            Files.writeString(tokenFile, "a-token-consul-never-issued");
            app.send(TestEvents.snsTerminate(OTHER_ID, "web-asg"));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE)).contains("ACL not found");
            assertThat(app.logText()).doesNotContain(SECRET).doesNotContain("a-token-consul-never-issued");
        }
        assertThat(consul.hasNode("web-2")).isTrue();
    }

    @Test
    void withoutATokenAclsHideTheNodeSoNothingIsRemovedAndTheWarningSaysWhy() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.enableAcls("deny");

        try (AsgerTestApp app = asger()) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(consul.hasNode("web-1")).isTrue();
            assertThat(consul.requests()).allSatisfy(r -> assertThat(r.token()).isNull());
            assertThat(app.logText()).contains("consul: no Consul node for " + ID, "token with node:read");
        }
    }

    @Test
    void anOutageIsRetriedThenDeadLettered() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.enableAcls("deny");
        consul.addToken(SECRET, "node:write");
        consul.failNext(1000, 503);

        try (AsgerTestApp app = asger("asger.consul.token", SECRET, "asger.retry.max-redeliveries", "2")) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));

            Message dead = app.awaitDlq(1, WAIT).get(0);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_KIND)).isEqualTo("transient");
            assertThat(attr(dead, DeadLetterAttributes.ATTEMPTS)).isEqualTo("3");
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE)).contains("503", "GET /v1/catalog/nodes");
            app.awaitDrained(WAIT);
            assertThat(consul.requests()).hasSize(3);
            assertThat(app.logText()).doesNotContain(SECRET);
        }
        assertThat(consul.hasNode("web-1")).isTrue();
    }

    @Test
    void droppedConnectionsAreRetriedAndTheNodeIsRemovedOnceConsulAnswers() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", OTHER_ID));
        consul.dropNext(2);

        try (AsgerTestApp app = asger("asger.retry.max-redeliveries", "3")) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
        }
        assertThat(consul.nodeNames("dc1")).containsExactly("web-2");
        assertThat(consul.requests()).extracting(FakeConsul.Request::status).containsExactly(-1, -1, 200, 200);
    }

    @Test
    void dryRunLooksUpAndLogsTheExactRequestsButChangesNothing() {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");

        try (AsgerTestApp app = asger("asger.dry-run", "true", "asger.consul.force-leave", "true",
                "asger.consul.datacenter", "dc1")) {
            app.send(TestEvents.snsTerminate(ID, "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.logText())
                    .contains("dry-run: would PUT /v1/agent/force-leave/web-1?prune")
                    .contains("dry-run: would PUT /v1/catalog/deregister {\"Datacenter\":\"dc1\",\"Node\":\"web-1\"}");
        }
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.memberStatus("web-1")).isEqualTo(FakeConsul.MEMBER_FAILED);
        assertThat(consul.requests()).extracting(FakeConsul.Request::method).containsOnly("GET");
    }
}
