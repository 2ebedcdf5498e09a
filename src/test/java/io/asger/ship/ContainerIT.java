package io.asger.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.asger.TestEvents;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image as an operator gets it: {@code scripts/build-image.sh} builds the repository's Dockerfile
 * (buildah, locally made bases), podman runs it with its ENTRYPOINT in local mode with a mounted routes directory,
 * the host sends one event with {@code java -jar target/asger.jar send}, the container handles it, and SIGTERM
 * stops the JVM inside. podman runs with runc and the host network (shared/ENVIRONMENT.md), so the container's
 * local queue on 127.0.0.1 is the host's.
 */
class ContainerIT {

    static final Path JAR = Path.of("target/asger.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String IMAGE = "localhost/asger-it:" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path work;

    @BeforeAll
    static void buildImage() throws Exception {
        Path log = Path.of("target/build-image.log").toAbsolutePath();
        long started = System.nanoTime();
        Process build = new ProcessBuilder("bash", "scripts/build-image.sh", IMAGE).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(build.waitFor(20, TimeUnit.MINUTES)).as("image built within 20 minutes").isTrue();
        assertThat(build.exitValue()).as("scripts/build-image.sh, see " + log + ":\n" + tail(log)).isZero();
        System.out.printf("ContainerIT: image %s built in %d s%n", IMAGE, (System.nanoTime() - started) / 1_000_000_000);
    }

    @AfterAll
    static void removeImage() throws Exception {
        run(List.of("podman", "rmi", "--force", IMAGE), Duration.ofMinutes(2));
    }

    @Test
    void theImageRunsInLocalModeWithMountedRoutesAndHandlesAnEventSentFromTheHost() throws Exception {
        // A mounted directory replaces the image's routes: the same files, the log task saying where it runs from.
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Path logTask = routes.resolve("log.camel.yaml");
        Files.writeString(logTask, Files.readString(logTask).replace("\"down: instance", "\"down (mounted routes): instance"));
        routes.toFile().setReadable(true, false);
        work.toFile().setExecutable(true, false);

        int queuePort = freePort();
        int managementPort = freePort();
        String name = "asger-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path output = work.resolve("container.log");
        Process container = new ProcessBuilder("podman", "run", "--rm", "--name", name,
                "--runtime", "runc", "--network", "host",
                "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
                "-e", "ASGER_LOCAL_PORT=" + queuePort, "-e", "CAMEL_MANAGEMENT_PORT=" + managementPort,
                "-v", routes + ":/opt/asger/routes:ro", IMAGE)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Awaitility.await("container started").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> read(output).contains("Local mode (no asger.queue-url set)") || !container.isAlive());
            assertThat(container.isAlive()).as(read(output)).isTrue();

            assertThat(run(List.of("podman", "exec", name, "id", "-u"), Duration.ofSeconds(60)).trim())
                    .as("runs as the image's non-root user").isEqualTo("10001");

            Path event = work.resolve("terminate.json");
            Files.writeString(event, TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            ProcessBuilder send = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "send", event.toString())
                    .redirectErrorStream(true);
            send.environment().put("ASGER_LOCAL_PORT", String.valueOf(queuePort));
            Process sending = send.start();
            String sent = new String(sending.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sending.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(sending.exitValue()).as(sent).isZero();

            Awaitility.await("event handled in the container").atMost(Duration.ofSeconds(60))
                    .until(() -> read(output).contains("handled in "));
            assertThat(read(output)).contains("routes from file:/opt/asger/routes/*.camel.yaml")
                    .contains("down (mounted routes): instance i-0123456789abcdef0 terminated in group web")
                    .contains("dry-run true");

            // The image's HEALTHCHECK (bash /dev/tcp, no curl) against the readiness endpoint on the management port.
            // It must agree with what the endpoint answers the host, and say UP: local mode's queue answered.
            int ready = status(URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready"));
            int health = exitCode(List.of("podman", "healthcheck", "run", name), Duration.ofSeconds(60));
            assertThat(health == 0).as("HEALTHCHECK healthy (exit " + health + ") exactly when the endpoint answers 200 ("
                    + ready + ")").isEqualTo(ready == 200);
            assertThat(health).as("readiness UP").isZero();
        } finally {
            run(List.of("podman", "stop", "--time", "60", name), Duration.ofSeconds(90));
            assertThat(container.waitFor(90, TimeUnit.SECONDS)).as("container stops on SIGTERM").isTrue();
        }
        // Exec-form ENTRYPOINT: SIGTERM reached the JVM, which shut Camel down in order.
        assertThat(read(output)).contains("Stopping: no more messages are received");
    }

    static int status(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    static int exitCode(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return p.exitValue();
    }

    static String run(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        // podman prints systemd warnings (no systemd here to schedule health checks): keep the last line.
        String[] lines = out.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String tail(Path file) {
        String all = read(file);
        return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
