package io.asger.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.asger.TestEvents;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel JBang's CLI (scripts/camel) with asger: the README's {@code camel run} command, exactly as the README writes
 * it, runs the routes with asger's beans in local mode and handles an event sent with {@code asger.jar send}; and
 * {@code camel ps} / {@code camel get route} see both that and a running {@code java -jar target/asger.jar}.
 */
class CamelCliIT {

    static final Path JAR = Path.of("target/asger.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String MARKER = "CamelCliIT runs the command of the next block";

    @TempDir
    Path work;

    @Test
    void theReadmeCamelRunCommandHandlesAnEventInLocalMode() throws Exception {
        String command = readmeCamelRunCommand();
        int port = freePort();
        Path output = work.resolve("camel-run.log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("ASGER_LOCAL_PORT", String.valueOf(port));
        // Stopping waits for a receive in progress: a short long-poll keeps the test's shutdown quick.
        pb.environment().put("ASGER_POLL_WAIT_SECONDS", "1");
        Process camel = pb.start();
        try {
            // The first run downloads the --dep artifacts and the components the routes name.
            Awaitility.await("camel run started").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> read(output).contains("(asger) started in") || !camel.isAlive());
            assertThat(camel.isAlive()).as(read(output)).isTrue();
            assertThat(read(output)).contains("Local mode (no asger.queue-url set)").contains("Apache Camel (JBang)");

            send(port, TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            Awaitility.await("event handled").atMost(Duration.ofSeconds(60))
                    .until(() -> read(output).contains("handled in "));
            assertThat(read(output)).contains("down: instance i-0123456789abcdef0 terminated in group web")
                    .contains("dry-run true");

            assertSeenByCamelStatusCommands(camel.pid());
        } finally {
            camel.destroy();
            assertThat(camel.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void camelPsAndGetRouteSeeARunningJar() throws Exception {
        int port = freePort();
        Path output = work.resolve("jar.log");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", JAR.toString()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("ASGER_LOCAL_PORT", String.valueOf(port));
        pb.environment().put("ASGER_POLL_WAIT_SECONDS", "1");
        // Health and metrics on a port of its own: tests run side by side.
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(free.getLocalPort()));
        }
        Process jar = pb.start();
        try {
            Awaitility.await("asger started").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> read(output).contains("asger ready") || !jar.isAlive());
            assertThat(jar.isAlive()).as(read(output)).isTrue();
            assertSeenByCamelStatusCommands(jar.pid());
        } finally {
            jar.destroy();
            assertThat(jar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** `camel ps` lists the process as asger, running; `camel get route` lists its SQS consumer route, started. */
    static void assertSeenByCamelStatusCommands(long pid) throws Exception {
        String id = String.valueOf(pid);
        // The connector writes its status file every few seconds (io.asger.AsgerConfiguration.CLI_STATUS_MILLIS).
        Awaitility.await("camel ps lists " + id).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> line(camel("ps"), id) != null);
        // A status written while the context was starting may still be the one on disk for a moment.
        Awaitility.await("camel ps says " + id + " is running").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(
                        () -> assertThat(line(camel("ps"), id)).contains("asger").contains("Running"));
        String routes = camel("get", "route");
        assertThat(routes.lines().filter(l -> l.trim().startsWith(id + " ")))
                .anyMatch(l -> l.contains("receive-asg-events") && l.contains("aws2-sqs://asger-events") && l.contains("Started"));
    }

    static String line(String table, String pid) {
        return table.lines().filter(l -> l.trim().startsWith(pid + " ")).findFirst().orElse(null);
    }

    static String camel(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/camel"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The `scripts/camel run` line of the README block after the marker, its continuation lines joined. */
    static String readmeCamelRunCommand() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("README marker").isPositive();
        int start = readme.indexOf("```sh\n", marker) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```", start)).replace("\\\n", " ");
        return block.lines().filter(l -> l.startsWith("scripts/camel run ")).findFirst().orElseThrow();
    }

    void send(int port, String body) throws Exception {
        Path event = work.resolve("event.json");
        Files.writeString(event, body);
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "send", event.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("ASGER_LOCAL_PORT", String.valueOf(port)));
        Process send = pb.start();
        String out = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(send.exitValue()).as(out).isZero();
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
