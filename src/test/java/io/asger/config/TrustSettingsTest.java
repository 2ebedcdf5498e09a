package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust settings: on by default, checked at start-up, every bad one named at once. */
class TrustSettingsTest {

    @TempDir
    Path dir;

    @Test
    void bothChecksAreOnByDefaultWithSnsHostsOnly() {
        TrustSettings trust = TaskSettingsTest.read(Map.of()).trust();
        assertThat(trust.verifySignatures()).isTrue();
        assertThat(trust.verifyTermination()).isTrue();
        assertThat(trust.certificateUrlPattern().pattern()).isEqualTo(TrustSettings.DEFAULT_CERTIFICATE_URL_PATTERN);
        assertThat(trust.certificateUrlPattern().matcher("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem").matches()).isTrue();
        assertThat(trust.topicArns()).isEmpty();
        assertThat(trust.accounts()).isEmpty();
    }

    @Test
    void theShippedDefaultIsTheCodesPattern() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            shipped.load(in);
        }
        assertThat(shipped.getProperty(TrustSettings.CERTIFICATE_URL_PATTERN))
                .isEqualTo(TrustSettings.DEFAULT_CERTIFICATE_URL_PATTERN)
                .isEqualTo("^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*\\.pem$");
    }

    @Test
    void listsAreRead() {
        TrustSettings trust = TaskSettingsTest.read(Map.of(
                "asger.sns.topic-arns", "arn:aws:sns:us-east-1:123456789012:asg-events, arn:aws-cn:sns:cn-north-1:123456789012:b",
                "asger.accounts", "123456789012,210987654321")).trust();
        assertThat(trust.topicArns()).containsExactlyInAnyOrder("arn:aws:sns:us-east-1:123456789012:asg-events",
                "arn:aws-cn:sns:cn-north-1:123456789012:b");
        assertThat(trust.accounts()).containsExactlyInAnyOrder("123456789012", "210987654321");
    }

    @Test
    void everyBadTrustSettingIsNamedAtOnce() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        InvalidSettingException e = TaskSettingsTest.refused(Map.of(
                "asger.sns.verify-signatures", "yes",
                "asger.sns.certificate-url-pattern", "^http://(unclosed",
                "asger.sns.ca-file", notPem.toString(),
                "asger.sns.topic-arns", "asg-events",
                "asger.accounts", "12345",
                "asger.verify-termination", "maybe"));
        assertThat(e.lines()).hasSize(7);
        assertThat(String.join("\n", e.lines()))
                .contains("asger.sns.verify-signatures: must be true or false, was 'yes'")
                .contains("asger.sns.certificate-url-pattern: is not a regular expression")
                .contains("asger.sns.certificate-url-pattern: must start with ^https://")
                .contains("asger.sns.ca-file: is not a PEM bundle of certificates")
                .contains("asger.sns.topic-arns: 'asg-events' is not an SNS topic ARN")
                .contains("asger.accounts: '12345' is not an AWS account id (12 digits)")
                .contains("asger.verify-termination: must be true or false, was 'maybe'")
                .contains("ASGER_SNS_CA_FILE");
    }

    @Test
    void aMissingCaFileIsNamed() {
        InvalidSettingException e = TaskSettingsTest.refused(Map.of("asger.sns.ca-file", dir.resolve("nope.pem").toString()));
        assertThat(e.lines()).singleElement().asString().startsWith("asger.sns.ca-file: names '").contains("which is not a file");
    }
}
