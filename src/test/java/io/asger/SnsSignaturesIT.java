package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.FakeSnsCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SNS signatures through the whole application: envelopes signed by a locally made PKI (FakeSnsCertificates, over
 * HTTPS) reach the tasks; forged, altered, unsigned ones and ones naming a certificate URL outside the pattern are
 * dead-lettered with the reason, no task runs, and a URL outside the pattern is never fetched.
 */
class SnsSignaturesIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:asg-events";
    static final String ID = "i-0123456789abcdef0";
    static final ObjectMapper JSON = new ObjectMapper();
    static FakeSnsCertificates sns;

    @BeforeAll
    static void startSns() {
        sns = FakeSnsCertificates.start();
    }

    @AfterAll
    static void stopSns() {
        sns.close();
    }

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
    }

    static AsgerTestApp asger(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("asger.tasks", "first");
        p.put("asger.sns.verify-signatures", "true");
        p.put("asger.sns.certificate-url-pattern", sns.urlPattern());
        p.put("asger.sns.ca-file", sns.rootCaFile().toString());
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return AsgerTestApp.start(p, PipelineIT.TEST_TASKS);
    }

    static String terminate(String instanceId) {
        return TestEvents.notification("autoscaling:EC2_INSTANCE_TERMINATE", instanceId, "web");
    }

    static String attr(Message m, String name) {
        return m.messageAttributes().get(name).stringValue();
    }

    @Test
    void signedVersion1And2EnvelopesReachTheTasks() {
        try (AsgerTestApp app = asger()) {
            app.send(sns.notification(terminate("i-0123456789abcdef0"), TOPIC, 1));
            app.send(sns.notification(terminate("i-0123456789abcdef1"), TOPIC, 2));
            app.send(sns.subscriptionConfirmation(TOPIC));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder("first-down:i-0123456789abcdef0",
                    "first-down:i-0123456789abcdef1");
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains(": ignored in").contains("SubscriptionConfirmation");
        }
    }

    @Test
    void forgedAlteredAndUnsignedEnvelopesAreDeadLetteredWithTheReasonAndNoTaskRuns() throws Exception {
        ObjectNode tampered = (ObjectNode) JSON.readTree(sns.notification(terminate(ID), TOPIC, 1));
        tampered.put("Message", terminate("i-0fedcba9876543210"));
        ObjectNode unsigned = (ObjectNode) JSON.readTree(sns.notification(terminate(ID), TOPIC, 2));
        unsigned.remove("Signature");
        try (AsgerTestApp app = asger()) {
            String tamperedId = app.send(tampered.toString());
            String unsignedId = app.send(unsigned.toString());
            String strangerId = app.send(sns.notificationSignedByStranger(terminate(ID), TOPIC));
            String wrongKeyId = app.send(sns.notificationWithCertificateUrl(terminate(ID), TOPIC,
                    sns.url(FakeSnsCertificates.OTHER_PATH)));
            String unsignedExample = app.send(TestEvents.snsTerminate(ID, "web"));
            List<Message> dead = app.awaitDlq(5, WAIT);
            app.awaitDrained(WAIT);
            Map<String, Message> byId = new HashMap<>();
            dead.forEach(m -> byId.put(attr(m, DeadLetterAttributes.ORIGINAL_MESSAGE_ID), m));
            assertThat(attr(byId.get(tamperedId), DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("message " + tamperedId + ": the SNS signature does not match the message");
            assertThat(attr(byId.get(unsignedId), DeadLetterAttributes.ERROR_MESSAGE)).contains("unsigned (no Signature)");
            assertThat(attr(byId.get(strangerId), DeadLetterAttributes.ERROR_MESSAGE)).contains("does not chain to a trusted root");
            assertThat(attr(byId.get(wrongKeyId), DeadLetterAttributes.ERROR_MESSAGE)).contains("does not match the message");
            // The README's example files carry AWS's URL and a made-up signature: refused too, outside local mode.
            assertThat(attr(byId.get(unsignedExample), DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("does not match asger.sns.certificate-url-pattern");
            dead.forEach(m -> {
                assertThat(attr(m, DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
                assertThat(attr(m, DeadLetterAttributes.FAILED_TASK)).isEqualTo("none");
                assertThat(attr(m, DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            });
            assertThat(TaskRecorder.calls()).isEmpty();
        }
    }

    @Test
    void aCertificateUrlThatIsHttpOrOfAnotherHostIsRefusedAndNeverFetched() throws Exception {
        AtomicInteger plainRequests = new AtomicInteger();
        HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        plain.createContext("/", exchange -> {
            plainRequests.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        plain.start();
        int before = sns.totalRequests();
        try (AsgerTestApp app = asger()) {
            app.send(sns.notificationWithCertificateUrl(terminate(ID), TOPIC,
                    "http://127.0.0.1:" + plain.getAddress().getPort() + "/SimpleNotificationService-test.pem"));
            app.send(sns.notificationWithCertificateUrl(terminate(ID), TOPIC,
                    sns.url(FakeSnsCertificates.SIGNING_PATH).replace("127.0.0.1", "localhost")));
            List<Message> dead = app.awaitDlq(2, WAIT);
            assertThat(dead).extracting(m -> attr(m, DeadLetterAttributes.ERROR_MESSAGE))
                    .anySatisfy(r -> assertThat(r).contains("is not https; refused without fetching it"))
                    .anySatisfy(r -> assertThat(r).contains("does not match asger.sns.certificate-url-pattern"));
            assertThat(TaskRecorder.calls()).isEmpty();
        } finally {
            plain.stop(0);
        }
        assertThat(plainRequests.get()).isZero();
        assertThat(sns.totalRequests()).isEqualTo(before);
    }

    @Test
    void topicAndAccountAllowLists() {
        try (AsgerTestApp app = asger("asger.sns.topic-arns", TOPIC, "asger.accounts", "123456789012")) {
            String otherTopic = app.send(sns.notification(terminate(ID), "arn:aws:sns:us-east-1:123456789012:other", 1));
            // Raw delivery carries no signature, but names its account.
            String otherAccount = app.send(TestEvents.notification("autoscaling:EC2_INSTANCE_TERMINATE", ID, "web")
                    .replace("123456789012", "210987654321"));
            app.send(sns.notification(terminate("i-0123456789abcdef1"), TOPIC, 1));
            List<Message> dead = app.awaitDlq(2, WAIT);
            app.awaitDrained(WAIT);
            Map<String, String> reasons = new HashMap<>();
            dead.forEach(m -> reasons.put(attr(m, DeadLetterAttributes.ORIGINAL_MESSAGE_ID),
                    attr(m, DeadLetterAttributes.ERROR_MESSAGE)));
            assertThat(reasons.get(otherTopic)).contains("topic arn:aws:sns:us-east-1:123456789012:other is not in asger.sns.topic-arns");
            assertThat(reasons.get(otherAccount)).contains("account 210987654321 is not in asger.accounts");
            assertThat(TaskRecorder.calls()).containsExactly("first-down:i-0123456789abcdef1");
        }
    }

    @Test
    void falseTurnsTheCheckOff() {
        try (AsgerTestApp app = asger("asger.sns.verify-signatures", "false")) {
            app.send(TestEvents.snsTerminate(ID, "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + ID);
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("asger.sns.verify-signatures is false: SNS envelopes are believed");
        }
    }
}
