package io.asger.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.chef.ChefRequestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Chef server for tests: Debian's goiardi with authentication on (-A), in memory, on a free
 * 127.0.0.1 port, its generated admin key in a temp directory. Test setup talks to it through the signed
 * API as the admin user.
 *
 * <pre>
 * try (Goiardi chef = Goiardi.start()) {
 *     chef.createNode("web-1", Map.of("ec2", Map.of("instance_id", "i-0123456789abcdef0")), List.of());
 *     chef.url(); chef.adminKey(); chef.nodeExists("web-1");
 * }
 * </pre>
 */
public final class Goiardi implements AutoCloseable {

    public static final String ADMIN = "admin";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final int port;
    private final boolean tls;
    private final HttpClient http;
    private final ChefRequestSigner admin = new ChefRequestSigner();

    private Goiardi(Process process, Path dir, int port, boolean tls) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tls = tls;
        this.http = tls ? HttpClient.newBuilder().sslContext(trustingOwnCertificate(dir.resolve("cert.pem"))).build()
                : HttpClient.newHttpClient();
        admin.setClientName(ADMIN);
        admin.setKeyFile(adminKey().toString());
        admin.setSignVersion("1.1");
    }

    /** goiardi over plain HTTP. */
    public static Goiardi start() {
        return start(false);
    }

    /**
     * goiardi over HTTPS with a self-signed certificate for 127.0.0.1 (made with the openssl command), which no
     * default trust store trusts: {@link #certificate()} is the CA bundle a client needs.
     */
    public static Goiardi startWithTls() {
        return start(true);
    }

    private static Goiardi start(boolean tls) {
        Path binary = findBinary();
        Path dir;
        int port;
        Process process;
        try {
            dir = Files.createTempDirectory("asger-goiardi-");
            port = freePort();
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "--use-auth", "--ipaddress=127.0.0.1", "--port=" + port, "--hostname=127.0.0.1",
                    "--conf-root=" + dir, "--log-level=info", "--log-file=" + dir.resolve("goiardi.log")));
            if (tls) {
                selfSignedCertificate(dir);
                command.addAll(List.of("--use-ssl", "--ssl-cert=" + dir.resolve("cert.pem"), "--ssl-key=" + dir.resolve("key.pem")));
            }
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("goiardi.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        Goiardi goiardi = new Goiardi(process, dir, port, tls);
        goiardi.awaitReady(Duration.ofSeconds(20));
        return goiardi;
    }

    private static void selfSignedCertificate(Path dir) throws IOException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make goiardi's test certificate: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.SSLContext trustingOwnCertificate(Path cert) {
        try (InputStream in = Files.newInputStream(cert)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("goiardi", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + cert, e);
        }
    }

    /** The self-signed certificate of a TLS goiardi, PEM: its own CA bundle. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    private static Path findBinary() {
        return findBinary(System.getenv());
    }

    /** goiardi from ${ASGER_PEERS_DIR:-/var/tmp/asger-peers}/bin, else from PATH (where the Debian package puts it). */
    static Path findBinary(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        String peers = env.getOrDefault("ASGER_PEERS_DIR", "/var/tmp/asger-peers");
        candidates.add(Path.of(peers, "bin", "goiardi"));
        for (String p : env.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            candidates.add(Path.of(p, "goiardi"));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("goiardi (the Chef server used by the Chef task tests) "
                        + "is not installed: run scripts/install-test-peers.sh (Debian package goiardi)"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String log = log();
                close();
                throw new IllegalStateException("goiardi exited with " + process.exitValue() + " at start:\n" + log);
            }
            if (Files.exists(adminKey())) {
                try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return;
                } catch (IOException notYet) {
                    // still starting
                }
            }
            sleep(100);
        }
        String log = log();
        close();
        throw new IllegalStateException("goiardi did not listen on 127.0.0.1:" + port + " within " + timeout + ":\n" + log);
    }

    /** The base URL, for asger.chef.url. */
    public String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The admin user's private key (PKCS#1 PEM) goiardi generated at start. */
    public Path adminKey() {
        return dir.resolve("admin.pem");
    }

    /** The temp directory (conf root, log), for tests that write other key files. */
    public Path dir() {
        return dir;
    }

    /** goiardi's own log: its authorization failures show there. */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String f : new String[] {"goiardi.out", "goiardi.log"}) {
            try {
                if (Files.exists(dir.resolve(f))) {
                    out.append(Files.readString(dir.resolve(f)));
                }
            } catch (IOException e) {
                out.append("(cannot read ").append(f).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    /** Creates a node with the given automatic attributes (e.g. ec2.instance_id) and normal tags. */
    public void createNode(String name, Map<String, Object> automatic, List<String> tags) {
        Map<String, Object> node = Map.of(
                "name", name, "chef_type", "node", "json_class", "Chef::Node", "chef_environment", "_default",
                "automatic", automatic, "normal", Map.of("tags", tags), "default", Map.of(), "override", Map.of(),
                "run_list", List.of());
        expect(request("POST", "/nodes", node), 201, "create node " + name);
    }

    /** Creates an API client; returns its private key (PEM) as goiardi generated it. */
    public String createClient(String name) {
        JsonNode answer = expect(request("POST", "/clients", Map.of("name", name, "admin", false)), 201, "create client " + name);
        return answer.path("private_key").asText();
    }

    /** Removes a node a test made (tests share one goiardi); a node already gone is fine. */
    public void deleteNodeIfExists(String name) {
        HttpResponse<String> response = request("DELETE", "/nodes/" + name, null);
        if (response.statusCode() != 200 && response.statusCode() != 404) {
            throw new IllegalStateException("goiardi: delete node " + name + " answered " + response.statusCode());
        }
    }

    /**
     * Creates a node (with {@code automatic.ec2.instance_id}) and a client of the same name for each entry, on
     * {@code threads} threads; the clients get {@code publicKeyPem} so that goiardi need not make a key for each.
     */
    public void createNodesAndClients(Map<String, String> instanceIdByName, String publicKeyPem, int threads) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            instanceIdByName.forEach((name, id) -> done.add(pool.submit(() -> {
                createNode(name, Map.of("ec2", Map.of("instance_id", id)), List.of());
                expect(request("POST", "/clients", Map.of("name", name, "admin", false, "public_key", publicKeyPem)),
                        201, "create client " + name);
            })));
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("goiardi: bulk create failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every node name. */
    public java.util.Set<String> nodeNames() {
        return names("/nodes");
    }

    /** Every client name. */
    public java.util.Set<String> clientNames() {
        return names("/clients");
    }

    private java.util.Set<String> names(String path) {
        java.util.Set<String> names = new java.util.HashSet<>();
        expect(request("GET", path, null), 200, "list " + path).fieldNames().forEachRemaining(names::add);
        return names;
    }

    public boolean nodeExists(String name) {
        return exists("/nodes/" + name);
    }

    public boolean clientExists(String name) {
        return exists("/clients/" + name);
    }

    /** Node names matching a search, asked as the admin (to check the index sees what asger should find). */
    public List<String> searchNodes(String query) {
        String q = java.net.URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode answer = expect(request("GET", "/search/node?q=" + q, null), 200, "search " + query);
        List<String> names = new ArrayList<>();
        answer.path("rows").forEach(row -> names.add(row.path("name").asText()));
        return names;
    }

    private boolean exists(String path) {
        HttpResponse<String> response = request("GET", path, null);
        if (response.statusCode() == 200) {
            return true;
        }
        if (response.statusCode() == 404) {
            return false;
        }
        throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }

    private JsonNode expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("goiardi: " + what + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> request(String method, String pathAndQuery, Object body) {
        try {
            byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
            URI uri = URI.create(url() + pathAndQuery);
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .header("Content-Type", "application/json");
            admin.signedHeaders(method, uri.getRawPath(), bytes, Instant.now()).forEach(builder::header);
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("goiardi: " + method + " " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops goiardi (a test of "Chef is down" may stop it early; closing twice is fine). */
    public void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
