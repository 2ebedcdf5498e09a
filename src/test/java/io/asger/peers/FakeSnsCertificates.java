package io.asger.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * SNS's side of message signing, for the tests: a locally made PKI (a root CA, an intermediate, a signing
 * certificate issued by the intermediate whose AIA caIssuers points here, and a TLS certificate for 127.0.0.1, all
 * made with the openssl command), served over HTTPS on a free 127.0.0.1 port, with a count of the requests to
 * each path. Also a "stranger": a signing certificate from a CA nobody trusts. Like SNS, the .pem serves only the leaf.
 *
 * <p>Paths: {@code /SimpleNotificationService-test.pem} (the signing leaf), {@code /intermediate.cer} (DER, as
 * AWS's AIA URLs serve), {@code /SimpleNotificationService-stranger.pem}, {@code /SimpleNotificationService-other.pem}
 * (a leaf of the trusted intermediate whose key signs nothing here).
 */
public final class FakeSnsCertificates implements AutoCloseable {

    public static final String SIGNING_PATH = "/SimpleNotificationService-test.pem";
    public static final String STRANGER_PATH = "/SimpleNotificationService-stranger.pem";
    public static final String OTHER_PATH = "/SimpleNotificationService-other.pem";
    public static final String INTERMEDIATE_PATH = "/intermediate.cer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final HttpsServer server;
    private final int port;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> content = new ConcurrentHashMap<>();
    private final PrivateKey signingKey;
    private final PrivateKey strangerKey;

    private FakeSnsCertificates(Path dir, HttpsServer server, int port) throws IOException, GeneralSecurityException {
        this.dir = dir;
        this.server = server;
        this.port = port;
        this.signingKey = privateKey(dir.resolve("signing.key"));
        this.strangerKey = privateKey(dir.resolve("stranger.key"));
    }

    public static FakeSnsCertificates start() {
        try {
            Path dir = Files.createTempDirectory("asger-sns-pki-");
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            int port = server.getAddress().getPort();
            makePki(dir, port);
            server.setHttpsConfigurator(new HttpsConfigurator(serverTls(dir)));
            FakeSnsCertificates fake = new FakeSnsCertificates(dir, server, port);
            fake.serve(SIGNING_PATH, Files.readAllBytes(dir.resolve("signing.pem")));
            fake.serve(STRANGER_PATH, Files.readAllBytes(dir.resolve("stranger.pem")));
            fake.serve(OTHER_PATH, Files.readAllBytes(dir.resolve("other.pem")));
            fake.serve(INTERMEDIATE_PATH, Files.readAllBytes(dir.resolve("intermediate.der")));
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                fake.requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                byte[] body = fake.content.get(path);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            server.start();
            return fake;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot start the fake SNS certificate server: " + e, e);
        }
    }

    /** Serves {@code body} at {@code path} from now on (e.g. a real SNS certificate). */
    public void serve(String path, byte[] body) {
        content.put(path, body);
    }

    /** https://127.0.0.1:PORT */
    public String base() {
        return "https://127.0.0.1:" + port;
    }

    public String url(String path) {
        return base() + path;
    }

    /** A certificate URL pattern that admits this server, for asger.sns.certificate-url-pattern. */
    public String urlPattern() {
        return "^https://127\\.0\\.0\\.1:" + port + "/.*\\.pem$";
    }

    /** The root CA, PEM: what asger.sns.ca-file names (the intermediate is then found through AIA). */
    public Path rootCaFile() {
        return dir.resolve("root.pem");
    }

    /** The root and the intermediate in one PEM bundle. */
    public Path rootAndIntermediateFile() {
        try {
            Path bundle = dir.resolve("root-and-intermediate.pem");
            if (!Files.exists(bundle)) {
                Files.writeString(bundle, Files.readString(dir.resolve("root.pem"))
                        + Files.readString(dir.resolve("intermediate.pem")));
            }
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests made so far for {@code path}. */
    public int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    public int totalRequests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** An SNS Notification around {@code message}, signed with the trusted signing certificate. */
    public String notification(String message, String topicArn, int signatureVersion) {
        ObjectNode envelope = JSON.createObjectNode()
                .put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", topicArn)
                .put("Subject", "Auto Scaling: termination for group")
                .put("Message", message).put("Timestamp", "2026-11-25T10:00:00.123Z");
        return sign(envelope, signatureVersion, SIGNING_PATH, signingKey);
    }

    /** A SubscriptionConfirmation, signed with the trusted signing certificate. */
    public String subscriptionConfirmation(String topicArn) {
        String token = "2336412f37fb687f5d51e6e2425929f52e8e3531";
        ObjectNode envelope = JSON.createObjectNode()
                .put("Type", "SubscriptionConfirmation").put("MessageId", UUID.randomUUID().toString())
                .put("Token", token).put("TopicArn", topicArn)
                .put("Message", "You have chosen to subscribe to the topic " + topicArn + ".")
                .put("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
                        + topicArn + "&Token=" + token)
                .put("Timestamp", "2026-11-25T10:00:00.123Z");
        return sign(envelope, 1, SIGNING_PATH, signingKey);
    }

    /** Signed by the stranger's key, pointing at the stranger's certificate. */
    public String notificationSignedByStranger(String message, String topicArn) {
        ObjectNode envelope = JSON.createObjectNode()
                .put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", topicArn).put("Message", message).put("Timestamp", "2026-11-25T10:00:00.123Z");
        return sign(envelope, 1, STRANGER_PATH, strangerKey);
    }

    /** Signed with the trusted signing key, but naming {@code certificateUrl} as its certificate. */
    public String notificationWithCertificateUrl(String message, String topicArn, String certificateUrl) {
        ObjectNode envelope = JSON.createObjectNode()
                .put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", topicArn).put("Message", message).put("Timestamp", "2026-11-25T10:00:00.123Z");
        String signed = sign(envelope, 1, SIGNING_PATH, signingKey);
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(signed);
            node.put("SigningCertURL", certificateUrl);
            return node.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String sign(ObjectNode envelope, int version, String certificatePath, PrivateKey key) {
        List<String> fields = envelope.get("Type").asText().equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            if (envelope.has(field)) {
                text.append(field).append('\n').append(envelope.get(field).asText()).append('\n');
            }
        }
        try {
            Signature signer = Signature.getInstance(version == 2 ? "SHA256withRSA" : "SHA1withRSA");
            signer.initSign(key);
            signer.update(text.toString().getBytes(StandardCharsets.UTF_8));
            envelope.put("SignatureVersion", Integer.toString(version))
                    .put("Signature", Base64.getEncoder().encodeToString(signer.sign()))
                    .put("SigningCertURL", url(certificatePath))
                    .put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
            return envelope.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void makePki(Path dir, int port) {
        String d = dir.toString() + "/";
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj", "/CN=asger test SNS root",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", d + "root.key", "-out", d + "root.pem");
        write(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=asger test SNS intermediate",
                "-keyout", d + "intermediate.key", "-out", d + "intermediate.csr");
        openssl(dir, "x509", "-req", "-in", d + "intermediate.csr", "-CA", d + "root.pem", "-CAkey", d + "root.key",
                "-CAcreateserial", "-days", "3", "-extfile", d + "ca.ext", "-out", d + "intermediate.pem");
        openssl(dir, "x509", "-in", d + "intermediate.pem", "-outform", "DER", "-out", d + "intermediate.der");
        write(dir.resolve("leaf.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "authorityInfoAccess=caIssuers;URI:https://127.0.0.1:" + port + INTERMEDIATE_PATH + "\n");
        for (String leaf : List.of("signing", "other")) {
            openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=sns.amazonaws.com",
                    "-keyout", d + leaf + ".key", "-out", d + leaf + ".csr");
            openssl(dir, "x509", "-req", "-in", d + leaf + ".csr", "-CA", d + "intermediate.pem", "-CAkey",
                    d + "intermediate.key", "-CAcreateserial", "-days", "2", "-extfile", d + "leaf.ext",
                    "-out", d + leaf + ".pem");
        }
        write(dir.resolve("tls.ext"), "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1\n");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", d + "tls.key", "-out", d + "tls.csr");
        openssl(dir, "x509", "-req", "-in", d + "tls.csr", "-CA", d + "root.pem", "-CAkey", d + "root.key",
                "-CAcreateserial", "-days", "2", "-extfile", d + "tls.ext", "-out", d + "tls.pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sns.amazonaws.com",
                "-keyout", d + "stranger.key", "-out", d + "stranger.pem");
    }

    private static SSLContext serverTls(Path dir) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        Certificate tls;
        Certificate root;
        try (InputStream a = Files.newInputStream(dir.resolve("tls.pem"));
             InputStream b = Files.newInputStream(dir.resolve("root.pem"))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            tls = factory.generateCertificate(a);
            root = factory.generateCertificate(b);
        }
        char[] password = "test".toCharArray();
        keys.setKeyEntry("tls", privateKey(dir.resolve("tls.key")), password, new Certificate[] {tls, root});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static PrivateKey privateKey(Path pkcs8Pem) throws IOException, GeneralSecurityException {
        String pem = Files.readString(pkcs8Pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (scripts/install-test-peers.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
