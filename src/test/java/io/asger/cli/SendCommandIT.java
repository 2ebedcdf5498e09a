package io.asger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.aws.AwsClients;
import io.asger.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** {@code asger send} as a newcomer meets it: checked files, plain refusals, and a real queue behind it. */
class SendCommandIT {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void sendsAnEventAndSaysWhatItIs() throws Exception {
        URI queue = AsgerTestApp.createQueue("send");
        Path file = write("terminate.json", TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
        assertThat(send(queue, file.toString())).isZero();
        assertThat(out.toString()).contains("sent " + file).contains(": DOWN i-0123456789abcdef0 in group web");
        assertThat(receive(queue)).hasSize(1);
    }

    @Test
    void aFailedLaunchWithoutAnInstanceSaysNoInstanceWasCreated() throws Exception {
        URI queue = AsgerTestApp.createQueue("send");
        assertThat(send(queue, "examples/events/launch-error-sns.json")).isZero();
        assertThat(out.toString()).contains("UP_FAILED (no instance was created) in group web-prod-asg");
    }

    @Test
    void aFileThatIsNotAnEventIsRefusedWithTheReasonAndNothingIsSent() throws Exception {
        URI queue = AsgerTestApp.createQueue("send");
        Path file = write("notes.txt", "remember to scale down");
        assertThat(send(queue, file.toString())).isEqualTo(65);
        assertThat(err.toString()).contains("asger: refused " + file + ": is not valid JSON").contains("--raw");
        assertThat(receive(queue)).isEmpty();

        Path unknown = write("other.json", "{\"hello\": \"world\"}");
        assertThat(send(queue, unknown.toString())).isEqualTo(65);
        assertThat(err.toString()).contains("is not a supported format");
        assertThat(receive(queue)).isEmpty();
    }

    @Test
    void rawSendsWhatAsgerWouldRefuse() throws Exception {
        URI queue = AsgerTestApp.createQueue("send");
        Path file = write("notes.txt", "remember to scale down");
        assertThat(send(queue, "--raw", file.toString())).isZero();
        assertThat(out.toString()).contains("it will be dead-lettered");
        assertThat(receive(queue)).extracting(Message::body).containsExactly("remember to scale down");
    }

    @Test
    void anEmptyFileAndADirectoryGetAClearLine() throws Exception {
        URI queue = AsgerTestApp.createQueue("send");
        Path empty = write("empty.json", "");
        assertThat(send(queue, empty.toString())).isEqualTo(65);
        assertThat(err.toString()).contains("'" + empty + "' is empty");
        assertThatThrownBy(() -> send(queue, dir.toString())).isInstanceOf(UsageException.class)
                .hasMessageContaining("is a directory");
        assertThat(receive(queue)).isEmpty();
    }

    @Test
    void inLocalModeWithNoAsgerRunningSendAndReplaySayToStartIt() throws Exception {
        int port = freePort();
        Settings local = settings(Map.of("asger.local.port", String.valueOf(port)));
        Path file = write("terminate.json", TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
        assertThatThrownBy(() -> SendCommand.run(new String[] {file.toString()}, local, new PrintStream(out)))
                .isInstanceOf(NotRunningException.class)
                .hasMessage("no asger is running in local mode on 127.0.0.1:" + port
                        + ": start it first (java -jar target/asger.jar, in another terminal), then try again");
        assertThatThrownBy(() -> ReplayCommand.run(new String[] {"--list"}, local, new PrintStream(out)))
                .isInstanceOf(NotRunningException.class).hasMessageContaining("no asger is running in local mode");
    }

    private int send(URI queue, String... args) throws Exception {
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return SendCommand.run(args, settings(Map.of("asger.queue-url", queue.toString(),
                    "asger.dlq-url", queue + "-dlq")), new PrintStream(out, true, StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    private static Settings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        return new Settings(k -> Optional.ofNullable(all.get(k)));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static List<Message> receive(URI queue) {
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            return sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queue.toString())
                    .maxNumberOfMessages(10).waitTimeSeconds(1).build()).messages();
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
