package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.asger.event.AsgEvent;
import io.asger.event.AsgEventNormalizer;
import io.asger.event.EventType;

/**
 * Every file in examples/events (the samples the README and {@code asger send} point at) normalizes to the type it
 * stands for, and no file is there without an entry here.
 */
class ExampleEventsTest {

    static final Path EXAMPLES = Path.of("examples", "events");

    /** file -> the type it must normalize to. A new example needs a line here. */
    static final Map<String, EventType> EXPECTED = Map.ofEntries(
            Map.entry("terminate-sns.json", EventType.DOWN),
            Map.entry("launch-sns.json", EventType.UP),
            Map.entry("launch-error-sns.json", EventType.UP_FAILED),
            Map.entry("terminate-error-sns.json", EventType.DOWN_FAILED),
            Map.entry("test-notification-sns.json", EventType.TEST),
            Map.entry("terminate-raw.json", EventType.DOWN),
            Map.entry("lifecycle-terminating-sqs.json", EventType.DOWN),
            Map.entry("lifecycle-launching-sns.json", EventType.UP),
            Map.entry("lifecycle-test-notification-sqs.json", EventType.TEST),
            Map.entry("eventbridge-terminate.json", EventType.DOWN),
            Map.entry("eventbridge-launch.json", EventType.UP),
            Map.entry("eventbridge-launch-unsuccessful.json", EventType.UP_FAILED),
            Map.entry("eventbridge-terminate-unsuccessful.json", EventType.DOWN_FAILED),
            Map.entry("eventbridge-lifecycle-terminate.json", EventType.DOWN),
            Map.entry("eventbridge-lifecycle-launch.json", EventType.UP),
            Map.entry("sns-subscription-confirmation.json", EventType.IGNORED),
            Map.entry("reconcile.json", EventType.DOWN),
            Map.entry("ec2-state-change-terminated.json", EventType.DOWN),
            Map.entry("ec2-state-change-running.json", EventType.UP));

    /** The examples that name no group (the instance need not be in one). */
    static final Set<String> GROUPLESS = Set.of("ec2-state-change-terminated.json", "ec2-state-change-running.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    static Set<String> filesInDirectory() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyExampleFileIsInTheTableAndEveryTableEntryExists() throws IOException {
        assertThat(filesInDirectory()).as("files in %s vs the table in this test", EXAMPLES)
                .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    static Stream<Arguments> examples() throws IOException {
        // the directory, not the table: a file missing from the table fails here too
        return filesInDirectory().stream().map(f -> Arguments.of(f, EXPECTED.get(f)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("examples")
    void normalizesToItsExpectedType(String file, EventType expected) throws IOException {
        assertThat(expected).as("%s has no expected type in ExampleEventsTest.EXPECTED", file).isNotNull();
        String body = Files.readString(EXAMPLES.resolve(file), StandardCharsets.UTF_8);
        String messageId = "example-" + file;

        // Every format enabled (asger.formats), so the opt-in ones are read too.
        AsgEvent event = new AsgEventNormalizer("", String.join(",", AsgEventNormalizer.FORMAT_NAMES))
                .normalize(body, messageId);

        assertThat(event.getType()).isEqualTo(expected);
        assertThat(event.getMessageId()).isEqualTo(messageId);
        assertThat(event.getFormat()).isNotBlank();
        if (expected == EventType.UP || expected == EventType.DOWN) {
            assertThat(event.getInstanceId()).matches("i-[0-9a-f]{17}");
        }
        if (expected != EventType.IGNORED) {
            assertThat(event.getGroupName()).isEqualTo(GROUPLESS.contains(file) ? null : "web-prod-asg");
            assertThat(event.getAccount()).isEqualTo("123456789012");
            assertThat(event.getTime()).isNotNull();
        } else {
            assertThat(event.getReason()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void isPrettyPrintedJsonAndSnsMessagesAreJsonStrings(String file) throws IOException {
        String body = Files.readString(EXAMPLES.resolve(file), StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\n  \"");
        JsonNode root = JSON.readTree(body);
        if ("Notification".equals(root.path("Type").asText())) {
            assertThat(root.get("Message").isTextual()).as("SNS puts the inner JSON in Message as a string").isTrue();
            assertThat(JSON.readTree(root.get("Message").textValue()).isObject()).isTrue();
            assertThat(root.get("TopicArn").asText()).isEqualTo("arn:aws:sns:us-east-1:123456789012:asg-events");
        }
    }
}
