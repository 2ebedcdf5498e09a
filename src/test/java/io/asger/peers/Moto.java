package io.asger.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A moto server (AWS API emulator) on a free 127.0.0.1 port, shared by every test in the JVM: started on
 * first use, stopped when the JVM exits. Tests that need a clean account call {@link #reset()}.
 *
 * <p>moto is unpacked by scripts/install-test-peers.sh into ${ASGER_PEERS_DIR:-/var/tmp/asger-peers}/moto.
 */
public final class Moto {

    /** Debian's python3 and its packages, not whatever python3 comes first on PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    /**
     * python3 -m moto.server, after one fix: AWS sends ResponseMetadata after the result element, and the AWS SDK for
     * Java takes the first element as the result, but a few of moto's Auto Scaling templates (DescribeTags among
     * them) put ResponseMetadata first, so the SDK would read an empty answer.
     */
    private static final String LAUNCHER = String.join("\n",
            "import re, sys",
            "import moto.autoscaling.responses as r",
            "for name in [n for n in dir(r) if n.endswith('_TEMPLATE')]:",
            "    t = getattr(r, name)",
            "    m = re.search(r'\\s*<ResponseMetadata>.*?</ResponseMetadata>', t, re.S)",
            "    if m and m.start() < t.find('Result>'):",
            "        t = t[:m.start()] + t[m.end():]",
            "        end = t.rfind('</')",
            "        setattr(r, name, t[:end] + m.group(0) + '\\n' + t[end:])",
            "from moto.server import main",
            "main(sys.argv[1:])");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static Moto shared;

    private final Process process;
    private final String endpoint;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Moto(Process process, String endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** The JVM's moto server, started on first call. */
    public static synchronized Moto shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            Moto started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "moto-stop"));
        }
        return shared;
    }

    /** Base URL, e.g. http://127.0.0.1:41234, for every AWS service (moto serves them all on one port). */
    public String endpoint() {
        return endpoint;
    }

    public URI endpointUri() {
        return URI.create(endpoint);
    }

    /** Forgets every resource in every service (moto's POST /moto-api/reset). */
    public void reset() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/reset"))
                            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto reset answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Where moto's own output goes; worth reading when a test fails on an AWS call. */
    public Path log() {
        return log;
    }

    static Path sitePackages() {
        String peers = System.getenv().getOrDefault("ASGER_PEERS_DIR", "/var/tmp/asger-peers");
        return Path.of(peers, "moto", "usr", "lib", "python3", "dist-packages");
    }

    private static Moto start() {
        Path site = sitePackages();
        if (!Files.isRegularFile(site.resolve("moto/server.py"))) {
            throw new IllegalStateException("moto is not installed: no " + site.resolve("moto/server.py")
                    + ". Run scripts/install-test-peers.sh as root (it unpacks moto into $ASGER_PEERS_DIR/moto).");
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("moto-" + port + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(PYTHON, "-c", LAUNCHER, "-H", "127.0.0.1", "-p",
                    Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("PYTHONPATH", site.toString());
            // moto must not pick up real credentials or endpoints from the environment of the test run.
            builder.environment().remove("AWS_ENDPOINT_URL");
            Process process = builder.start();
            Moto moto = new Moto(process, "http://127.0.0.1:" + port, log);
            moto.awaitAnswering();
            return moto;
        } catch (IOException e) {
            throw new IllegalStateException("could not start moto (" + PYTHON + " -m moto.server): " + e, e);
        }
    }

    private void awaitAnswering() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited with " + process.exitValue() + "; output:\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        stop();
        throw new IllegalStateException("moto did not answer within " + START_TIMEOUT + " on " + endpoint
                + "; output:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
