package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.TaskRoutes;
import io.asger.errors.PermanentFailure;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import io.asger.peers.Goiardi;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * routes/chef.camel.yaml on its own against a real goiardi: the exchange enters direct:chef-down as run-one-task
 * hands it over (the shared TaskRoutes harness), and errors come back to the caller unhandled, so each
 * test sees the exact failure the global error handler would classify. ChefTaskIT covers the same through SQS.
 */
class ChefRoutesIT {

    private static Goiardi chef;

    @BeforeAll
    static void startChef() {
        chef = Goiardi.start();
    }

    @AfterAll
    static void stopChef() {
        if (chef != null) {
            chef.close();
        }
    }

    private static Map<String, String> settings(String... overrides) {
        Map<String, String> p = new HashMap<>(Map.of(
                "asger.chef.url", chef.url(),
                "asger.chef.client-name", Goiardi.ADMIN,
                "asger.chef.key-file", chef.adminKey().toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            p.put(overrides[i], overrides[i + 1]);
        }
        return p;
    }

    /** Runs direct:chef-down once, through the shared task-route harness, with the given settings. */
    private static void chefDown(String instanceId, Map<String, String> settings) throws Exception {
        try (TaskRoutes routes = TaskRoutes.load("chef", settings)) {
            routes.call(AsgEvent.builder(EventType.DOWN).instanceId(instanceId).messageId("m-" + instanceId).build());
        }
    }

    private static void node(String name, String instanceId) {
        chef.createNode(name, Map.of("ec2", Map.of("instance_id", instanceId)), List.of(instanceId));
        chef.createClient(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void deletesTheMatchingNodeAndItsClientOnly(String version) throws Exception {
        String id = switch (version) {
            case "1.0" -> "i-0000000000000a100";
            case "1.1" -> "i-0000000000000a110";
            default -> "i-0000000000000a130";
        };
        node("gone-" + version, id);
        node("kept-" + version, "i-0000000000000b" + id.substring(16));

        chefDown(id, settings("asger.chef.sign-version", version));

        assertThat(chef.nodeExists("gone-" + version)).isFalse();
        assertThat(chef.clientExists("gone-" + version)).isFalse();
        assertThat(chef.nodeExists("kept-" + version)).isTrue();
        assertThat(chef.clientExists("kept-" + version)).isTrue();
    }

    @Test
    void tagsConventionFindsTheNodeToo() throws Exception {
        chef.createNode("tagged", Map.of(), List.of("i-0000000000000c001"));

        chefDown("i-0000000000000c001", settings("asger.chef.search-query", "tags:{instanceId}"));

        assertThat(chef.nodeExists("tagged")).isFalse();
    }

    @Test
    void noMatchSucceedsWithoutDeleting() throws Exception {
        node("unrelated", "i-0000000000000d001");

        chefDown("i-0000000000000d999", settings());

        assertThat(chef.nodeExists("unrelated")).isTrue();
    }

    @Test
    void twoMatchesAreAmbiguousAndNothingIsDeleted() {
        node("twin-a", "i-0000000000000e001");
        node("twin-b", "i-0000000000000e001");

        assertThatThrownBy(() -> chefDown("i-0000000000000e001", settings()))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageStartingWith("ambiguous:").hasMessageContaining("twin-a").hasMessageContaining("twin-b");
        assertThat(chef.nodeExists("twin-a")).isTrue();
        assertThat(chef.nodeExists("twin-b")).isTrue();
        assertThat(chef.clientExists("twin-a")).isTrue();
    }

    @Test
    void allowMultipleDeletesEveryMatch() throws Exception {
        node("many-a", "i-0000000000000e002");
        node("many-b", "i-0000000000000e002");

        chefDown("i-0000000000000e002", settings("asger.chef.allow-multiple", "true"));

        assertThat(chef.nodeExists("many-a")).isFalse();
        assertThat(chef.nodeExists("many-b")).isFalse();
        assertThat(chef.clientExists("many-b")).isFalse();
    }

    @Test
    void aClientThatIsAlreadyGoneIsSuccess() throws Exception {
        chef.createNode("no-client", Map.of("ec2", Map.of("instance_id", "i-0000000000000f001")), List.of());

        chefDown("i-0000000000000f001", settings());

        assertThat(chef.nodeExists("no-client")).isFalse();
    }

    @Test
    void deleteClientOffKeepsTheClient() throws Exception {
        node("keep-client", "i-0000000000000f002");

        chefDown("i-0000000000000f002", settings("asger.chef.delete-client", "false"));

        assertThat(chef.nodeExists("keep-client")).isFalse();
        assertThat(chef.clientExists("keep-client")).isTrue();
    }

    @Test
    void dryRunSearchesButDeletesNothing() throws Exception {
        node("dry", "i-0000000000000f003");

        chefDown("i-0000000000000f003", settings("asger.dry-run", "true"));

        assertThat(chef.nodeExists("dry")).isTrue();
        assertThat(chef.clientExists("dry")).isTrue();
    }

    @Test
    void aWrongKeyIsAPermanentFailureNamingTheClient() throws Exception {
        node("wrong-key", "i-0000000000000f004");
        int logBefore = chef.log().length();

        assertThatThrownBy(() -> chefDown("i-0000000000000f004",
                settings("asger.chef.key-file", ChefTestKeys.resource("test-client-pkcs8.pem").toString())))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("401").hasMessageContaining("'admin'").hasMessageContaining("clock");
        assertThat(chef.nodeExists("wrong-key")).isTrue();
        assertThat(chef.log().substring(logBefore)).contains("Authorization failure");
    }

    @Test
    void anOrganizationInTheUrlIsPartOfTheSignedPath() {
        // goiardi checks the signature over the full request path before routing. It has no organizations
        // and answers an empty 200 to a path it does not route, so a request signed over the full path
        // /organizations/acme/search/node passes authentication (no 401) and then finds no search result.
        int logBefore = chef.log().length();

        assertThatThrownBy(() -> chefDown("i-0000000000000f005", settings("asger.chef.url", chef.url() + "/organizations/acme")))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("empty body").hasMessageContaining("/organizations/ORG")
                .hasMessageNotContaining("401");
        assertThat(chef.log().substring(logBefore)).doesNotContain("Authorization failure");
    }

    @Test
    void chefUnreachableIsAnIoErrorToRetry() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        assertThatThrownBy(() -> chefDown("i-0000000000000f006", settings("asger.chef.url", "http://127.0.0.1:" + closedPort)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aChefThatNeverAnswersTimesOutAsAnIoErrorToRetry() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> chefDown("i-0000000000000f009",
                    settings("asger.chef.url", "http://127.0.0.1:" + silent.getLocalPort(), "asger.chef.timeout-ms", "500")))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "i-*", "i-0123456789abcdef0 OR name:*", "i-0123456789abcdef0\" OR \"x",
        "i-0123456789abcdef0\nname:*", "../nodes/x", "i-0123456789abcdef0/../../clients", "i-01234567\\*"})
    void hostileInstanceIdsNeverReachChef(String id) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.start();

            assertThatThrownBy(() -> chefDown(id, settings("asger.chef.url", "http://127.0.0.1:" + listener.getLocalPort())))
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("not an EC2 instance id");
            assertThat(connections).hasValue(0);
        }
    }

    @Test
    void aRequestIsSentOnceEvenWhenHttpClientWouldRetryIt() throws Exception {
        // Apache HttpClient retries an idempotent request (DELETE) once by itself after a 503; asger's error handler
        // must be the only one retrying (io.asger.errors.NoHttpClientRetries), so one attempt is one request.
        AtomicInteger deletes = new AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] answer = "{\"total\":1,\"rows\":[{\"data\":{\"name\":\"web-1\"}}]}".getBytes();
            if ("DELETE".equals(exchange.getRequestMethod())) {
                deletes.incrementAndGet();
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, -1);
            } else {
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        try {
            assertThatThrownBy(() -> chefDown("i-0000000000000d503",
                    settings("asger.chef.url", "http://127.0.0.1:" + server.getAddress().getPort())))
                    .hasRootCauseInstanceOf(io.asger.errors.TransientFailure.class).hasStackTraceContaining("answered 503");
            assertThat(deletes).hasValue(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tlsIsVerifiedAndAPrivateCaIsTrustedFromAPemBundleOrAPkcs12Store() throws Exception {
        try (Goiardi tlsChef = Goiardi.startWithTls()) {
            tlsChef.createNode("tls-1", Map.of("ec2", Map.of("instance_id", "i-0000000000000f007")), List.of());
            tlsChef.createNode("tls-2", Map.of("ec2", Map.of("instance_id", "i-0000000000000f008")), List.of());
            String[] tls = {"asger.chef.url", tlsChef.url(), "asger.chef.key-file", tlsChef.adminKey().toString()};

            // Verification is on by default: a self-signed certificate fails the handshake (an IOException).
            assertThatThrownBy(() -> chefDown("i-0000000000000f007", settings(tls)))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            assertThat(tlsChef.nodeExists("tls-1")).isTrue();

            chefDown("i-0000000000000f007", settings(concat(tls, "asger.chef.trust-store", tlsChef.certificate().toString())));
            assertThat(tlsChef.nodeExists("tls-1")).isFalse();

            Path p12 = tlsChef.dir().resolve("trust.p12");
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (InputStream in = Files.newInputStream(tlsChef.certificate())) {
                store.setCertificateEntry("chef-ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            try (java.io.OutputStream out = Files.newOutputStream(p12)) {
                store.store(out, "changeit".toCharArray());
            }
            chefDown("i-0000000000000f008", settings(concat(tls,
                    "asger.chef.trust-store", p12.toString(), "asger.chef.trust-store-password", "changeit")));
            assertThat(tlsChef.nodeExists("tls-2")).isFalse();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
