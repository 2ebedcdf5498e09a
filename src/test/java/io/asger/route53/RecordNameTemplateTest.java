package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordNameTemplateTest {

    @Test
    void rendersEveryPlaceholderIntoAFullyQualifiedLowerCaseName() {
        RecordNameTemplate t = RecordNameTemplate.of("{groupName}-{privateIpDashed}.{instanceId}.Internal.Example.com");

        assertThat(t.render("i-0123456789abcdef0", "Web", "10.0.1.25", null))
                .contains("web-10-0-1-25.i-0123456789abcdef0.internal.example.com.");
        assertThat(RecordNameTemplate.of("pub-{publicIpDashed}.example.com.").render("i-01234567", "g", "10.0.0.1", "3.4.5.6"))
                .contains("pub-3-4-5-6.example.com.");
    }

    @Test
    void isEmptyWhenTheTemplateNeedsAnAddressTheInstanceNoLongerHas() {
        RecordNameTemplate t = RecordNameTemplate.of("{privateIpDashed}.example.com");

        assertThat(t.render("i-01234567", "web", null, null)).isEmpty();
        assertThat(RecordNameTemplate.of("{instanceId}.example.com").render("i-01234567", "web", null, null))
                .contains("i-01234567.example.com.");
    }

    @Test
    void rejectsGroupNamesThatMakeIllegalDnsNames() {
        RecordNameTemplate t = RecordNameTemplate.of("{groupName}.example.com");

        assertThatThrownBy(() -> t.render("i-01234567", "web_asg", "10.0.0.1", null))
                .isInstanceOf(InvalidRecordName.class)
                .hasMessageContaining("'web_asg'").hasMessageContaining("asger:record-name");
        assertThatThrownBy(() -> t.render("i-01234567", "web asg:blue", "10.0.0.1", null)).isInstanceOf(InvalidRecordName.class);
        assertThatThrownBy(() -> t.render("i-01234567", "-web", "10.0.0.1", null)).isInstanceOf(InvalidRecordName.class);
        assertThatThrownBy(() -> t.render("i-01234567", "a..b", "10.0.0.1", null)).hasMessageContaining("empty label");
        assertThatThrownBy(() -> t.render("i-01234567", "x".repeat(64), "10.0.0.1", null)).hasMessageContaining("63");
        assertThatThrownBy(() -> t.render("i-01234567", ("x".repeat(60) + ".").repeat(4), "10.0.0.1", null))
                .hasMessageContaining("253");
        assertThat(t.render("i-01234567", "web-blue.eu-1", "10.0.0.1", null)).contains("web-blue.eu-1.example.com.");
    }

    @Test
    void rejectsUnknownPlaceholdersAndEmptyTemplatesAtOnce() {
        assertThatThrownBy(() -> RecordNameTemplate.of("{instanceid}.example.com"))
                .isInstanceOf(InvalidRecordName.class).hasMessageContaining("{instanceid}");
        assertThatThrownBy(() -> RecordNameTemplate.of(" ")).isInstanceOf(InvalidRecordName.class);
    }
}
