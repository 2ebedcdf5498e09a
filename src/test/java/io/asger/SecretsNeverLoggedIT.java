package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.asger.peers.FakeConsul;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * No secret reaches a log line, a metric or a DLQ attribute: an asger with the chef and consul tasks, a Chef key, a
 * Consul token, AWS credentials and a lifecycle token it can search for, whose tasks fail (their servers are down)
 * until the messages are dead-lettered; then everything it printed, its metrics and its dead letters are searched.
 * So is everything the rest of the test suite's asger processes printed (target/asger-tests.log for the apps run
 * inside the test JVM, target/asger-processes/ for the jars; this class runs last, see junit-platform.properties)
 * for the secrets the suite uses.
 */
@Order(Integer.MAX_VALUE)
class SecretsNeverLoggedIT {

    static final Path CHEF_KEY = Path.of("src/test/resources/chef/test-client-pkcs1.pem");
    static final String CONSUL_TOKEN = "3f1c7a2e-9b0d-4e55-secret-consul-token";
    /** The token ConsulTaskIT uses. */
    static final String SUITE_CONSUL_TOKEN = "5f0e1c9a-7d1b-4c3e-9a55-secret-token";
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/asgerSecretKeyNeverLogged";
    static final String AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEasgerSessionTokenNeverLogged0123456789";
    static final String LIFECYCLE_TOKEN = "ab7f3c2e-lcyc-tokn-5ecr-e7d0ne7106ed";
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, String> savedProperties = new LinkedHashMap<>();
    FakeConsul consul;

    @BeforeEach
    void startConsul() throws IOException {
        consul = FakeConsul.start();
    }

    @AfterEach
    void restoreProperties() {
        consul.close();
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    /** What must never be printed: each line of the Chef key's body, the tokens, the AWS secret and session token. */
    static Map<String, String> secrets() throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String key : List.of("test-client-pkcs1.pem", "test-client-pkcs8.pem")) {
            List<String> body = Files.readAllLines(CHEF_KEY.resolveSibling(key)).stream()
                    .filter(l -> !l.startsWith("-----") && l.length() >= 40).toList();
            for (int i = 0; i < body.size(); i++) {
                secrets.put(key + " line " + (i + 1), body.get(i));
            }
        }
        secrets.put("Consul token", CONSUL_TOKEN);
        secrets.put("ConsulTaskIT's Consul token", SUITE_CONSUL_TOKEN);
        secrets.put("AWS secret access key", AWS_SECRET);
        secrets.put("AWS session token", AWS_SESSION_TOKEN);
        secrets.put("lifecycle token (in full)", LIFECYCLE_TOKEN);
        return secrets;
    }

    @Test
    void noSecretReachesALogLineAMetricOrADeadLetterAttribute() throws Exception {
        setProperty("aws.accessKeyId", "AKIAASGERTESTKEY0001");
        setProperty("aws.secretAccessKey", AWS_SECRET);
        setProperty("aws.sessionToken", AWS_SESSION_TOKEN);
        String down = "http://127.0.0.1:" + closedPort();
        // Down runs consul, then chef: instance ...0's node may be read but not removed with this token (Consul
        // refuses, naming the token's public AccessorID); instance ...1 has no node, so chef runs, and fails.
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", "i-0123456789abcdef0"));
        consul.enableAcls("deny").addToken(CONSUL_TOKEN, "node:read");
        Map<String, String> settings = Map.of(
                "asger.tasks", "log,chef,consul",
                "asger.chef.url", down, "asger.chef.client-name", "asger", "asger.chef.key-file", CHEF_KEY.toString(),
                "asger.consul.url", consul.url(), "asger.consul.token", CONSUL_TOKEN,
                "asger.retry.max-redeliveries", "1");
        List<String> dumps = new ArrayList<>();
        List<Message> deadLetters;
        try (AsgerTestApp app = AsgerTestApp.start(settings)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            ObjectNode lifecycle = (ObjectNode) JSON.readTree(TestEvents.lifecycleTerminating("i-0123456789abcdef1", "web"));
            lifecycle.put("LifecycleActionToken", LIFECYCLE_TOKEN);
            app.send(lifecycle.toString());
            deadLetters = app.awaitDlq(2, Duration.ofSeconds(60));
            MeterRegistry metrics = app.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
            for (Meter meter : metrics.getMeters()) {
                dumps.add("metric " + meter.getId());
            }
            dumps.add(app.logText());
            assertThat(app.logText()).as("both tasks failed and their messages were dead-lettered")
                    .contains("(task consul, permanent", "(task chef, transient");
        }
        for (Message m : deadLetters) {
            m.messageAttributes().forEach((k, v) -> dumps.add("DLQ attribute " + k + " = " + v.stringValue()));
        }
        assertThat(dumps.stream().filter(d -> d.startsWith("DLQ attribute asger-error-message"))).hasSize(2);

        Map<String, String> secrets = secrets();
        List<String> found = new ArrayList<>();
        for (String dump : dumps) {
            secrets.forEach((name, secret) -> {
                if (dump.contains(secret)) {
                    found.add(name + " in " + firstLineWith(dump, secret));
                }
            });
        }
        // Everything the suite's asger processes printed so far, too.
        List<Path> files = new ArrayList<>();
        files.add(AsgerTestApp.LOG_FILE);
        if (Files.isDirectory(ProcessLogs.DIR)) {
            try (Stream<Path> s = Files.list(ProcessLogs.DIR)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        long bytes = 0;
        long lines = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            bytes += text.length();
            lines += text.lines().count();
            secrets.forEach((name, secret) -> {
                if (text.contains(secret)) {
                    found.add(name + " in " + file + ": " + firstLineWith(text, secret));
                }
            });
        }
        System.out.printf("secret scan: %d secrets searched in %d files (%d lines, %d bytes), %d metrics, %d DLQ attributes: %d found%n",
                secrets.size(), files.size(), lines, bytes,
                dumps.stream().filter(d -> d.startsWith("metric ")).count(),
                dumps.stream().filter(d -> d.startsWith("DLQ attribute ")).count(), found.size());
        assertThat(lines).as("there was output to search").isGreaterThan(50);
        assertThat(found).isEmpty();
    }

    private void setProperty(String name, String value) {
        savedProperties.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    static String firstLineWith(String text, String secret) {
        return text.lines().filter(l -> l.contains(secret)).findFirst().orElse("?");
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
