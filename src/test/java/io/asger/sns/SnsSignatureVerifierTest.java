package io.asger.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.peers.FakeSnsCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SNS signature check against a locally made PKI served over HTTPS (FakeSnsCertificates), and against a real SNS
 * signing certificate with three messages it signed (src/test/resources/sns/real).
 */
class SnsSignatureVerifierTest {

    static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:asg-events";
    static final String MESSAGE = "{\"Event\":\"autoscaling:EC2_INSTANCE_TERMINATE\",\"EC2InstanceId\":\"i-0123456789abcdef0\"}";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path REAL = Path.of("src/test/resources/sns/real");
    static final String REAL_PEM = "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
    /** Inside the real certificate's validity (2025-11-10 to 2026-10-14), the day its messages were signed. */
    static final Clock WHEN_REAL_CERT_WAS_VALID = Clock.fixed(Instant.parse("2026-03-07T00:00:00Z"), ZoneOffset.UTC);

    static FakeSnsCertificates sns;

    @BeforeAll
    static void startSns() {
        sns = FakeSnsCertificates.start();
    }

    @AfterAll
    static void stopSns() {
        sns.close();
    }

    /** A verifier trusting the fake's root (only: the intermediate comes through AIA). */
    static SnsSignatureVerifier verifier(Set<String> topics) throws Exception {
        return new SnsSignatureVerifier(SigningCertificates.create(Pattern.compile(sns.urlPattern()),
                Optional.of(sns.rootCaFile()), Clock.systemUTC()), topics);
    }

    @Test
    void validVersion1And2NotificationsAndASubscriptionConfirmationPass() throws Exception {
        SnsSignatureVerifier verifier = verifier(Set.of());
        assertThatCode(() -> verifier.verify(sns.notification(MESSAGE, TOPIC, 1), "m-1")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(sns.notification(MESSAGE, TOPIC, 2), "m-2")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(sns.subscriptionConfirmation(TOPIC), "m-3")).doesNotThrowAnyException();
    }

    @Test
    void theIntermediateIsFetchedOnceThroughAiaAndTheCertificateIsCached() throws Exception {
        int leafBefore = sns.requests(FakeSnsCertificates.SIGNING_PATH);
        int intermediateBefore = sns.requests(FakeSnsCertificates.INTERMEDIATE_PATH);
        SnsSignatureVerifier verifier = verifier(Set.of());
        for (int i = 0; i < 5; i++) {
            verifier.verify(sns.notification(MESSAGE, TOPIC, 1), "m-" + i);
        }
        assertThat(sns.requests(FakeSnsCertificates.SIGNING_PATH) - leafBefore).isEqualTo(1);
        assertThat(sns.requests(FakeSnsCertificates.INTERMEDIATE_PATH) - intermediateBefore).isEqualTo(1);
    }

    @Test
    void anIntermediateInTheCaFileNeedsNoAiaFetch() throws Exception {
        int intermediateBefore = sns.requests(FakeSnsCertificates.INTERMEDIATE_PATH);
        SnsSignatureVerifier verifier = new SnsSignatureVerifier(SigningCertificates.create(
                Pattern.compile(sns.urlPattern()), Optional.of(sns.rootAndIntermediateFile()), Clock.systemUTC()), Set.of());
        verifier.verify(sns.notification(MESSAGE, TOPIC, 2), "m-1");
        assertThat(sns.requests(FakeSnsCertificates.INTERMEDIATE_PATH)).isEqualTo(intermediateBefore);
    }

    @Test
    void aTamperedMessageIsRefused() throws Exception {
        ObjectNode envelope = (ObjectNode) JSON.readTree(sns.notification(MESSAGE, TOPIC, 1));
        envelope.put("Message", MESSAGE.replace("i-0123456789abcdef0", "i-0fedcba9876543210"));
        assertThatThrownBy(() -> verifier(Set.of()).verify(envelope.toString(), "m-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("message m-1: the SNS signature does not match the message");
    }

    @Test
    void aTamperedSignedFieldOtherThanMessageIsRefusedToo() throws Exception {
        for (String field : new String[] {"MessageId", "Subject", "Timestamp", "TopicArn"}) {
            ObjectNode envelope = (ObjectNode) JSON.readTree(sns.notification(MESSAGE, TOPIC, 2));
            envelope.put(field, envelope.get(field).asText() + "x");
            assertThatThrownBy(() -> verifier(Set.of()).verify(envelope.toString(), "m-1"))
                    .as(field).isInstanceOf(PermanentFailure.class).hasMessageContaining("does not match");
        }
    }

    @Test
    void aRemovedSignatureIsRefused() throws Exception {
        ObjectNode envelope = (ObjectNode) JSON.readTree(sns.notification(MESSAGE, TOPIC, 1));
        envelope.remove("Signature");
        assertThatThrownBy(() -> verifier(Set.of()).verify(envelope.toString(), "m-1"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("unsigned (no Signature)");
        envelope.put("Signature", "x").remove("SignatureVersion");
        assertThatThrownBy(() -> verifier(Set.of()).verify(envelope.toString(), "m-1"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("SignatureVersion is missing");
        envelope.put("SignatureVersion", "3");
        assertThatThrownBy(() -> verifier(Set.of()).verify(envelope.toString(), "m-1"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("SignatureVersion '3' is not 1 or 2");
    }

    @Test
    void aSignatureThatTheNamedCertificateDidNotMakeIsRefused() throws Exception {
        // A trusted certificate, but not the key that signed: what a replayed SigningCertURL looks like.
        String body = sns.notificationWithCertificateUrl(MESSAGE, TOPIC, sns.url(FakeSnsCertificates.OTHER_PATH));
        assertThatThrownBy(() -> verifier(Set.of()).verify(body, "m-1"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("does not match the message");
    }

    @Test
    void aCertificateFromAnUntrustedCaIsRefused() throws Exception {
        String body = sns.notificationSignedByStranger(MESSAGE, TOPIC);
        assertThatThrownBy(() -> verifier(Set.of()).verify(body, "m-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("does not chain to a trusted root");
    }

    @Test
    void anHttpCertificateUrlIsRefusedAndNeverFetched() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] pem = Files.readAllBytes(sns.rootCaFile());
        plain.createContext("/", exchange -> {
            fetched.incrementAndGet();
            exchange.sendResponseHeaders(200, pem.length);
            exchange.getResponseBody().write(pem);
            exchange.close();
        });
        plain.start();
        try {
            String url = "http://127.0.0.1:" + plain.getAddress().getPort() + "/SimpleNotificationService-test.pem";
            // Even a pattern that would admit it: http is refused on its own.
            SnsSignatureVerifier lax = new SnsSignatureVerifier(SigningCertificates.create(Pattern.compile(".*"),
                    Optional.of(sns.rootCaFile()), Clock.systemUTC()), Set.of());
            assertThatThrownBy(() -> lax.verify(sns.notificationWithCertificateUrl(MESSAGE, TOPIC, url), "m-1"))
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("is not https; refused without fetching it");
            assertThat(fetched.get()).isZero();
        } finally {
            plain.stop(0);
        }
    }

    @Test
    void aForeignHostCertificateUrlIsRefusedAndNeverFetched() throws Exception {
        int before = sns.totalRequests();
        // The same server under another name: outside the pattern, so never asked.
        String foreign = sns.url(FakeSnsCertificates.SIGNING_PATH).replace("127.0.0.1", "localhost");
        assertThatThrownBy(() -> verifier(Set.of()).verify(sns.notificationWithCertificateUrl(MESSAGE, TOPIC, foreign), "m-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("does not match asger.sns.certificate-url-pattern")
                .hasMessageContaining("refused without fetching it");
        String userInfo = sns.base().replace("https://", "https://sns.us-east-1.amazonaws.com@") + FakeSnsCertificates.SIGNING_PATH;
        assertThatThrownBy(() -> verifier(Set.of()).verify(sns.notificationWithCertificateUrl(MESSAGE, TOPIC, userInfo), "m-2"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("refused without fetching it");
        assertThat(sns.totalRequests()).isEqualTo(before);
    }

    @Test
    void theDefaultPatternAdmitsSnsHostsOnly() {
        Pattern p = Pattern.compile("^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*\\.pem$");
        assertThat(p.matcher("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem").matches()).isTrue();
        assertThat(p.matcher("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem").matches()).isTrue();
        assertThat(p.matcher("https://sns.us-east-1.amazonaws.com.evil.example/x.pem").matches()).isFalse();
        assertThat(p.matcher("https://sns.us-east-1.amazonaws.com@evil.example/x.pem").matches()).isFalse();
        assertThat(p.matcher("http://sns.us-east-1.amazonaws.com/x.pem").matches()).isFalse();
        assertThat(p.matcher("https://s3.amazonaws.com/x.pem").matches()).isFalse();
    }

    @Test
    void aCertificateThatCannotBeFetchedIsATransientFailure() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String url = "https://127.0.0.1:" + closed + "/SimpleNotificationService-test.pem";
        SnsSignatureVerifier verifier = new SnsSignatureVerifier(SigningCertificates.create(
                Pattern.compile("^https://127\\.0\\.0\\.1:[0-9]+/.*\\.pem$"), Optional.of(sns.rootCaFile()),
                Clock.systemUTC()), Set.of());
        assertThatThrownBy(() -> verifier.verify(sns.notificationWithCertificateUrl(MESSAGE, TOPIC, url), "m-1"))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("cannot fetch the SigningCertURL " + url);
        // A 404 from the certificate host is a fetch failure too.
        String missing = sns.url("/SimpleNotificationService-missing.pem");
        assertThatThrownBy(() -> verifier(Set.of()).verify(sns.notificationWithCertificateUrl(MESSAGE, TOPIC, missing), "m-2"))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("answered HTTP 404");
    }

    @Test
    void aTopicOutsideTheAllowListIsRefused() throws Exception {
        SnsSignatureVerifier verifier = verifier(Set.of(TOPIC));
        assertThatCode(() -> verifier.verify(sns.notification(MESSAGE, TOPIC, 1), "m-1")).doesNotThrowAnyException();
        String other = "arn:aws:sns:us-east-1:123456789012:someone-elses-topic";
        assertThatThrownBy(() -> verifier.verify(sns.notification(MESSAGE, other, 1), "m-2"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("topic " + other + " is not in asger.sns.topic-arns");
    }

    @Test
    void bodiesWithoutAnEnvelopeCarryNoSignatureAndPass() throws Exception {
        SnsSignatureVerifier verifier = verifier(Set.of());
        int before = sns.totalRequests();
        assertThatCode(() -> verifier.verify(MESSAGE, "raw")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify("{\"detail-type\":\"EC2 Instance Terminate Successful\"}", "eb"))
                .doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify("not json", "bad")).doesNotThrowAnyException();
        assertThat(sns.totalRequests()).isEqualTo(before);
        // But anything with a Type is an envelope, signed or refused.
        assertThatThrownBy(() -> verifier.verify("{\"Type\":\"Notification\",\"Message\":\"{}\"}", "m-1"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("unsigned");
    }

    // --- the real thing ---

    /** A verifier for the real messages: their certificate served by the fake, the real M01 intermediate trusted. */
    private SnsSignatureVerifier realVerifier(Clock clock, boolean withIntermediate) throws Exception {
        sns.serve("/" + REAL_PEM, Files.readAllBytes(REAL.resolve(REAL_PEM)));
        // The fake's root is only for TLS to the fake; the real leaf must chain to the JDK's Amazon Root CA 1.
        Path caFile = Files.createTempFile("sns-ca-", ".pem");
        Files.writeString(caFile, Files.readString(sns.rootCaFile())
                + (withIntermediate ? Files.readString(REAL.resolve("amazon-rsa-2048-m01.pem")) : ""));
        return new SnsSignatureVerifier(SigningCertificates.create(Pattern.compile(sns.urlPattern()),
                Optional.of(caFile), clock), Set.of());
    }

    /** SigningCertURL is not signed, so pointing it at the fake leaves the real signature valid. */
    private String real(String file) throws IOException {
        ObjectNode envelope = (ObjectNode) JSON.readTree(Files.readString(REAL.resolve(file)));
        envelope.put("SigningCertURL", sns.url("/" + REAL_PEM));
        return envelope.toString();
    }

    @Test
    void realSnsMessagesVerifyAgainstTheRealCertificateChainedToAmazonRootCa1() throws Exception {
        SnsSignatureVerifier verifier = realVerifier(WHEN_REAL_CERT_WAS_VALID, true);
        assertThatCode(() -> verifier.verify(real("notification-v1-subject.json"), "real-v1")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(real("notification-v2.json"), "real-v2")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(real("subscription-confirmation.json"), "real-sub")).doesNotThrowAnyException();

        ObjectNode tampered = (ObjectNode) JSON.readTree(real("notification-v2.json"));
        tampered.put("Message", "This message uses signature version 3.");
        assertThatThrownBy(() -> verifier.verify(tampered.toString(), "real-tampered"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("does not match");
    }

    @Test
    void theRealCertificateIsRefusedOnceExpired() throws Exception {
        SnsSignatureVerifier verifier = realVerifier(Clock.systemUTC(), true);
        assertThatThrownBy(() -> verifier.verify(real("notification-v2.json"), "real-v2"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("the signing certificate 'CN=sns.amazonaws.com' expired on 2026-10-14T23:59:59Z");
    }

    @Test
    void theRealCertificateNamesItsIntermediateThroughAia() throws Exception {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(REAL.resolve(REAL_PEM))) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(CaIssuers.of(leaf)).containsExactly("http://crt.r2m01.amazontrust.com/r2m01.cer");
        assertThat(leaf.getIssuerX500Principal().getName()).isEqualTo("CN=Amazon RSA 2048 M01,O=Amazon,C=US");
        // And the intermediate published there is what the chain needs (checked above against the JDK's root).
        try (InputStream in = Files.newInputStream(REAL.resolve("amazon-rsa-2048-m01.pem"))) {
            X509Certificate m01 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            leaf.verify(m01.getPublicKey());
            assertThat(new String(m01.getSubjectX500Principal().getName().getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8)).isEqualTo(leaf.getIssuerX500Principal().getName());
        }
    }
}
