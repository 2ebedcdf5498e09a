package io.asger;

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

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged target/asger.jar as an operator runs it: local mode, the send command, settings from the
 * environment, and a clear exit for a bad setting. Proves the fat jar's merged service files work.
 */
class JarIT {

    static final Path JAR = Path.of("target/asger.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path work;

    @Test
    void localModeHandlesAnEventSentWithTheSendCommand() throws Exception {
        int port = freePort();
        Path log = ProcessLogs.file("JarIT", "asger.log");
        Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(port)), log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(log).contains("Local mode"));
            Path event = work.resolve("terminate.json");
            Files.writeString(event, TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            ProcessBuilder sendCommand = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "send", event.toString())
                    .directory(work.toFile()).redirectErrorStream(true);
            // The same configuration as the daemon: send finds the local queue on the same port.
            sendCommand.environment().put("ASGER_LOCAL_PORT", String.valueOf(port));
            Process send = sendCommand.start();
            String sent = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(send.exitValue()).as(sent).isZero();
            assertThat(sent).contains("sent " + event).contains(":" + port + "/");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> read(log).contains("handled in "));
            assertThat(read(log)).contains("down: instance i-0123456789abcdef0 terminated in group web")
                    // The example is unsigned, and no EC2 knows the instance: local mode checks neither, and says so.
                    .contains("SNS signatures and instance states are not checked")
                    // The one "done" line of the message (message-done), in place of the old "tasks [log] done".
                    .containsPattern("Finished message [^:]+: handled in \\d+ ms, tasks \\[log\\], event DOWN instance=i-0123456789abcdef0 group=web")
                    .contains("dry-run true")
                    // No routes/ directory in the working directory: the copies packaged in the jar are used.
                    .contains("classpath:routes/");
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("asger stops on SIGTERM").isTrue();
        }
    }

    @Test
    void badSettingFromTheEnvironmentStopsStartupNamingIt() throws Exception {
        Path log = ProcessLogs.file("JarIT", "bad.log");
        Process daemon = start(List.of(), Map.of("ASGER_CONCURRENCY", "lots"), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger: configuration error: asger.concurrency: must be a whole number from 1 to 200, was 'lots'")
                .contains("ASGER_CONCURRENCY");
    }

    @Test
    void aRoleFromTheEnvironmentIsFoundByItsNameAndABadOneStopsStartupNamingIt() throws Exception {
        // Camel maps ASGER_X to asger.x only for keys it is asked for; asger finds these by scanning the environment.
        Path log = ProcessLogs.file("JarIT", "role.log");
        Process daemon = start(List.of(), Map.of("ASGER_ACCOUNTS_111111111111_ROLE_ARN", "arn:aws:iam::222222222222:role/asger",
                "ASGER_ACCOUNTS_12345_ROLE_ARN", "arn:aws:iam::000000012345:role/asger"), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger: configuration error: asger.accounts.111111111111.role-arn: names a role in"
                        + " account 222222222222, but the role asger assumes for account 111111111111's events must be in 111111111111")
                .contains("ASGER_ACCOUNTS_111111111111_ROLE_ARN")
                .contains("asger.accounts.12345.role-arn: names account '12345'; an AWS account id is 12 digits")
                .doesNotContain("\tat ");
    }

    @Test
    void reconcileWithABadSettingExits78NamingIt() throws Exception {
        Path log = work.resolve("reconcile-bad.log");
        Process reconcile = start(List.of(), List.of("reconcile", "--dry-run"),
                Map.of("ASGER_RECONCILE_MAX_DELETIONS", "lots", "ASGER_LOCAL_PORT", String.valueOf(freePort())), log);
        assertThat(reconcile.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reconcile.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger: configuration error: asger.reconcile.max-deletions: must be a whole number from 0 to 1000000, was 'lots'")
                .contains("ASGER_RECONCILE_MAX_DELETIONS").doesNotContain("\tat ");
    }

    @Test
    void queueWithoutDeadLetterQueueIsRefused() throws Exception {
        Path log = ProcessLogs.file("JarIT", "nodlq.log");
        Process daemon = start(List.of("-Dasger.queue-url=https://sqs.us-east-1.amazonaws.com/123456789012/asg-events"),
                Map.of(), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger.dlq-url: is required when asger.queue-url is set");
    }

    @Test
    void aQueueUrlInAnotherRegionThanTheClientsIsRefusedNamingBoth() throws Exception {
        Path log = ProcessLogs.file("JarIT", "region.log");
        Process daemon = start(List.of(), Map.of("AWS_REGION", "us-east-1",
                "ASGER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/asg-events",
                "ASGER_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/asg-events-dlq"), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger: configuration error: asger.queue-url: is a queue in eu-west-1, but the AWS region is us-east-1")
                .doesNotContain("\tat ");
    }

    @Test
    void noRegionAtAllIsAConfigurationErrorNamingAwsRegion() throws Exception {
        Path log = ProcessLogs.file("JarIT", "noregion.log");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", JAR.toString()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        // No profile either: the SDK would read a region from it.
        pb.environment().put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        pb.environment().put("ASGER_QUEUE_URL", "http://127.0.0.1:1/000000000000/asger");
        pb.environment().put("ASGER_DLQ_URL", "http://127.0.0.1:1/000000000000/asger-dlq");
        Process daemon = pb.start();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger: configuration error: AWS_REGION: is not set")
                .doesNotContain("\tat ").doesNotContain("SdkClientException");
    }

    @Test
    void aMistypedRoutesDirectoryIsAnErrorNotAFallbackToThePackagedRoutes() throws Exception {
        Path log = ProcessLogs.file("JarIT", "routesdir.log");
        Process daemon = start(List.of(), Map.of("ASGER_ROUTES_DIR", "/opt/asger/rotues"), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(log)).contains("asger.routes-dir: names '/opt/asger/rotues', which is not a directory");
    }

    @Test
    void aLocalPortInUseIsAConfigurationErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path log = ProcessLogs.file("JarIT", "port.log");
            Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(taken.getLocalPort())), log);
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isEqualTo(78);
            assertThat(read(log)).contains("asger.local.port: cannot serve the local queue on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void severalBadSettingsAreNamedAtOnceOneLineEachWithoutAStackTrace() throws Exception {
        Path log = work.resolve("several.log");
        Process daemon = start(List.of(), Map.of("ASGER_TASKS", "chef", "ASGER_CONCURRENCY", "lots"), log);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        String out = read(log);
        assertThat(out.lines().filter(l -> l.startsWith("asger: configuration error: "))).containsExactly(
                "asger: configuration error: asger.concurrency: must be a whole number from 1 to 200, was 'lots' (set it in application.properties, as -Dasger.concurrency=..., or as ASGER_CONCURRENCY)",
                "asger: configuration error: asger.chef.url: is required because asger.tasks includes 'chef' (set it in application.properties, as -Dasger.chef.url=..., or as ASGER_CHEF_URL)",
                "asger: configuration error: asger.chef.client-name: is required because asger.tasks includes 'chef' (set it in application.properties, as -Dasger.chef.client-name=..., or as ASGER_CHEF_CLIENT_NAME)",
                "asger: configuration error: asger.chef.key-file: is required because asger.tasks includes 'chef' (set it in application.properties, as -Dasger.chef.key-file=..., or as ASGER_CHEF_KEY_FILE)");
        assertThat(out).doesNotContain("\tat ").doesNotContainIgnoringCase("shutdown hook").doesNotContain("SIGTERM");
    }

    @Test
    void aTaskWithoutARouteIsNamedOnceWithoutAStackTrace() throws Exception {
        Path log = work.resolve("nosuch.log");
        Process daemon = start(List.of(), Map.of("ASGER_TASKS", "nosuch", "ASGER_LOCAL_PORT", String.valueOf(freePort())), log);
        assertThat(daemon.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        String out = read(log);
        assertThat(out.lines().filter(l -> l.contains("names 'nosuch'"))).containsExactly(
                "asger: configuration error: asger.tasks: names 'nosuch', but no route consumes direct:nosuch-up, -down, -up-failed or -down-failed (is routes/nosuch.camel.yaml there?) (set it in application.properties, as -Dasger.tasks=..., or as ASGER_TASKS)");
        assertThat(out).doesNotContain("\tat ").doesNotContainIgnoringCase("shutdown hook").doesNotContain("SIGTERM");
    }

    @Test
    void aBadConsulUrlIsAConfigurationErrorOnlyWhenConsulRuns() throws Exception {
        Path refused = work.resolve("consul-on.log");
        Process daemon = start(List.of(), Map.of("ASGER_TASKS", "consul", "ASGER_CONSUL_URL", "notaurl"), refused);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(read(refused)).contains("asger: configuration error: asger.consul.url: must be an http or https URL, was 'notaurl'")
                .contains("ASGER_CONSUL_URL").doesNotContain("\tat ").doesNotContain("FailedToCreateRouteException");

        // consul is off: its settings are not checked, and its routes and beans are not there at all.
        Path log = work.resolve("consul-off.log");
        Process running = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(freePort()), "ASGER_CONSUL_URL", "notaurl",
                "ASGER_CONSUL_CA_FILE", "/no/such/ca.pem"), log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(log).contains("asger ready"));
            assertThat(read(log)).doesNotContain("configuration error").doesNotContain("consul-down");
        } finally {
            running.destroy();
            assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aManagementPortInUseIsAConfigurationErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path log = work.resolve("management.log");
            Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(freePort()),
                    "CAMEL_MANAGEMENT_PORT", String.valueOf(taken.getLocalPort())), log);
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isEqualTo(78);
            assertThat(read(log)).contains("asger: configuration error: camel.management.port: cannot serve health and metrics on 0.0.0.0:"
                    + taken.getLocalPort()).contains("CAMEL_MANAGEMENT_PORT").doesNotContain("\tat ");
        }
    }

    @Test
    void oneReadyLineNamesQueueTasksDryRunAndManagementPortAndCamelsListingIsQuiet() throws Exception {
        int management = freePort();
        Path log = work.resolve("ready.log");
        Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(freePort()),
                "CAMEL_MANAGEMENT_PORT", String.valueOf(management)), log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(log).contains("asger ready"));
            String ready = read(log).lines().filter(l -> l.contains("asger ready")).findFirst().orElseThrow();
            assertThat(ready).contains("queue http://127.0.0.1:").contains("tasks log,").contains("dry run true")
                    .contains("http://0.0.0.0:" + management + "/observe");
            // Camel's property summary and route listing are at DEBUG.
            assertThat(read(log)).doesNotContain("Started receive-asg-events").doesNotContain("camel.main.name");
            assertThat(read(log).lines().count()).as(read(log)).isLessThan(8);
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTheMessagesIdsAndNoSecret() throws Exception {
        int port = freePort();
        Path log = work.resolve("json.log");
        Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(port), "ASGER_LOG_FORMAT", "json",
                "ASGER_CONSUL_TOKEN", "9f1c-secret-token-value"), log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(log).contains("asger ready"));
            Path event = work.resolve("terminate.json");
            Files.writeString(event, TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            ProcessBuilder send = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "send", event.toString())
                    .directory(work.toFile()).redirectErrorStream(true);
            send.environment().put("ASGER_LOCAL_PORT", String.valueOf(port));
            Process sent = send.start();
            sent.getInputStream().readAllBytes();
            assertThat(sent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains("Finished message"));
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : read(log).lines().toList()) {
            lines.add(mapper.readTree(line));   // every stdout line is one JSON object
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.isObject()).isTrue())
                .allSatisfy(l -> assertThat(l.fieldNames()).toIterable().contains("time", "level", "logger", "message"));
        var finished = lines.stream().filter(l -> l.path("message").asText().startsWith("Finished message")).findFirst().orElseThrow();
        assertThat(finished.path("messageId").asText()).isNotBlank();
        assertThat(finished.path("instanceId").asText()).isEqualTo("i-0123456789abcdef0");
        assertThat(finished.path("group").asText()).isEqualTo("web");
        assertThat(finished.path("eventType").asText()).isEqualTo("DOWN");
        var task = lines.stream().filter(l -> l.path("message").asText().startsWith("down: instance")).findFirst().orElseThrow();
        assertThat(task.path("task").asText()).isEqualTo("log");
        assertThat(task.path("messageId").asText()).isEqualTo(finished.path("messageId").asText());
        assertThat(read(log)).doesNotContain("9f1c-secret-token-value");
    }

    @Test
    void textLogsCarryTheSameIds() throws Exception {
        int port = freePort();
        Path log = work.resolve("text.log");
        Process daemon = start(List.of(), Map.of("ASGER_LOCAL_PORT", String.valueOf(port)), log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(log).contains("asger ready"));
            Path event = work.resolve("launch.json");
            Files.writeString(event, TestEvents.snsLaunch("i-0123456789abcdef0", "web"));
            ProcessBuilder send = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "send", event.toString())
                    .directory(work.toFile()).redirectErrorStream(true);
            send.environment().put("ASGER_LOCAL_PORT", String.valueOf(port));
            Process sent = send.start();
            sent.getInputStream().readAllBytes();
            assertThat(sent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains("Finished message"));
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(read(log)).containsPattern("message=[0-9a-f-]+ instance=i-0123456789abcdef0 group=web type=UP task=log - up: instance")
                .containsPattern("message=[0-9a-f-]+ instance=i-0123456789abcdef0 group=web type=UP task=\\S+ - Finished message");
    }

    private Process start(List<String> jvmArgs, Map<String, String> env, Path log) throws IOException {
        return start(jvmArgs, List.of(), env, log);
    }

    private Process start(List<String> jvmArgs, List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Health and metrics on a port of its own (tests run side by side), unless the test chose one.
        pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()));
        pb.environment().putAll(env);
        return pb.start();
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
