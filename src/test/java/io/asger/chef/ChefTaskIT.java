package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.Goiardi;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The chef task end to end: terminate events through SQS and the real routes, against a real Chef server (goiardi -A). */
class ChefTaskIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static Goiardi chef;

    @BeforeAll
    static void startChef() {
        chef = Goiardi.start();
    }

    @AfterAll
    static void stopChef() {
        if (chef != null) {
            chef.close();
        }
    }

    private static Map<String, String> chefTask(String... overrides) {
        Map<String, String> p = new HashMap<>(Map.of(
                "asger.tasks", "chef",
                "asger.chef.url", chef.url(),
                "asger.chef.client-name", Goiardi.ADMIN,
                "asger.chef.key-file", chef.adminKey().toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            p.put(overrides[i], overrides[i + 1]);
        }
        return p;
    }

    private static void nodeAndClient(String name, String instanceId) {
        chef.createNode(name, Map.of("ec2", Map.of("instance_id", instanceId)), List.of());
        chef.createClient(name);
    }

    /** A line from the middle of a PEM key file: key material that must never be logged. */
    private static String keyLine(java.nio.file.Path pem) {
        try {
            return java.nio.file.Files.readAllLines(pem).get(5);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String attr(Message m, String name) {
        return m.messageAttributes().get(name).stringValue();
    }

    @Test
    void terminateDeletesTheInstancesNodeAndClientAndNothingElse() {
        nodeAndClient("web-1", "i-0a00000000000001a");
        nodeAndClient("web-2", "i-0a00000000000002a");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask())) {
            app.send(TestEvents.snsTerminate("i-0a00000000000001a", "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(chef.nodeExists("web-1")).isFalse();
            assertThat(chef.clientExists("web-1")).isFalse();
            assertThat(chef.nodeExists("web-2")).isTrue();
            assertThat(chef.clientExists("web-2")).isTrue();
            assertThat(app.logText()).contains("chef: deleted /nodes/web-1").contains("chef: deleted /clients/web-1");
        }
    }

    @Test
    void signatureVersion13IsAcceptedByGoiardiEndToEnd() {
        nodeAndClient("v13", "i-0a00000000000013a");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask("asger.chef.sign-version", "1.3"))) {
            app.send(TestEvents.lifecycleTerminating("i-0a00000000000013a", "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(chef.nodeExists("v13")).isFalse();
            assertThat(chef.clientExists("v13")).isFalse();
        }
    }

    @Test
    void noMatchingNodeIsAWarningAndSuccess() {
        nodeAndClient("bystander", "i-0a0000000000000ba");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask())) {
            app.send(TestEvents.snsTerminate("i-0a0000000000000ff", "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(chef.nodeExists("bystander")).isTrue();
            assertThat(app.logText()).contains("WARN").contains("no node matches ec2_instance_id:i\\-0a0000000000000ff");
        }
    }

    @Test
    void twoMatchesAreDeadLetteredAsAmbiguousAndBothStay() {
        nodeAndClient("dup-a", "i-0a000000000000dda");
        nodeAndClient("dup-b", "i-0a000000000000dda");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask())) {
            app.send(TestEvents.snsTerminate("i-0a000000000000dda", "web-asg"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_MESSAGE))
                    .startsWith("ambiguous:").contains("dup-a").contains("dup-b");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            assertThat(chef.nodeExists("dup-a")).isTrue();
            assertThat(chef.nodeExists("dup-b")).isTrue();
            assertThat(chef.clientExists("dup-a")).isTrue();
            assertThat(chef.clientExists("dup-b")).isTrue();
        }
    }

    @Test
    void chefDownIsRetriedThenDeadLettered() {
        String url;
        try (Goiardi stopped = Goiardi.start()) {
            url = stopped.url();
        }

        try (AsgerTestApp app = AsgerTestApp.start(chefTask("asger.chef.url", url, "asger.retry.max-redeliveries", "2"))) {
            app.send(TestEvents.snsTerminate("i-0a00000000000d00a", "web-asg"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_KIND)).isEqualTo("transient");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ATTEMPTS)).isEqualTo("3");
            assertThat(attr(dead.get(0), DeadLetterAttributes.FAILED_TASK)).isEqualTo("chef");
        }
    }

    @Test
    void aWrongKeyGets401AndIsDeadLetteredWithoutRetries() {
        nodeAndClient("locked", "i-0a00000000000401a");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask(
                "asger.chef.key-file", ChefTestKeys.resource("test-client-pkcs1.pem").toString()))) {
            app.send(TestEvents.snsTerminate("i-0a00000000000401a", "web-asg"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("401").contains("client 'admin'").contains("asger.chef.key-file").contains("clock");
            assertThat(chef.nodeExists("locked")).isTrue();
            // The key and the signature headers derived from it never reach the logs.
            assertThat(app.logText()).doesNotContain(keyLine(ChefTestKeys.resource("test-client-pkcs1.pem")))
                    .doesNotContain("X-Ops-Authorization");
        }
    }

    @Test
    void anOrganizationPrefixedUrlSignsTheFullPath() {
        int logBefore = chef.log().length();

        try (AsgerTestApp app = AsgerTestApp.start(chefTask("asger.chef.url", chef.url() + "/organizations/acme"))) {
            app.send(TestEvents.snsTerminate("i-0a000000000000a0a", "web-asg"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            // goiardi verifies the signature over the full path before routing, then (having no organizations)
            // answers an empty 200: past authentication means /organizations/acme/search/node was what we signed.
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_MESSAGE)).contains("empty body").doesNotContain("401");
            assertThat(chef.log().substring(logBefore)).doesNotContain("Authorization failure");
        }
    }

    @Test
    void dryRunLogsTheDeletesAndChangesNothing() {
        nodeAndClient("dry-1", "i-0a00000000000d71a");

        try (AsgerTestApp app = AsgerTestApp.start(chefTask("asger.dry-run", "true"))) {
            app.send(TestEvents.snsTerminate("i-0a00000000000d71a", "web-asg"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(chef.nodeExists("dry-1")).isTrue();
            assertThat(chef.clientExists("dry-1")).isTrue();
            assertThat(app.logText()).contains("dry-run: would DELETE /clients/dry-1 and /nodes/dry-1");
        }
    }
}
