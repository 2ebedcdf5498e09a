package io.asger.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for what Route 53 adds to moto: its request rate limit (5 requests per second per account,
 * answered with Route 53's own {@code Throttling} error) and, on demand, the rejection of a change batch that names
 * a given record ({@code InvalidChangeBatch}, which makes Route 53 refuse the whole batch). Everything else is
 * passed to moto unchanged. Point the Route 53 client (only) at {@link #endpoint()}.
 */
public final class Route53Front implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final double perSecond;
    private final Set<String> rejectedNames = new CopyOnWriteArraySet<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong changeBatches = new AtomicLong();
    private double tokens;
    private long refilledAt = System.nanoTime();

    /** @param requestsPerSecond Route 53's limit to enforce; 0 for none */
    public Route53Front(URI target, double requestsPerSecond) throws IOException {
        this.target = target;
        this.perSecond = requestsPerSecond;
        this.tokens = requestsPerSecond;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Change batches with a change to this record name (with trailing dot) are rejected with InvalidChangeBatch. */
    public void rejectChangesTo(String name) {
        rejectedNames.add(name);
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long throttled() {
        return throttled.get();
    }

    /** ChangeResourceRecordSets calls that reached moto. */
    public long changeBatches() {
        return changeBatches.get();
    }

    private synchronized boolean takeToken() {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(perSecond, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!takeToken()) {
                throttled.incrementAndGet();
                reply(exchange, 400, "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                        + "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                        + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            boolean change = "POST".equals(exchange.getRequestMethod()) && path.matches(".*/rrset/?");
            if (change) {
                String xml = new String(body, StandardCharsets.UTF_8);
                for (String name : rejectedNames) {
                    if (xml.contains("<Name>" + name + "</Name>")) {
                        reply(exchange, 400, "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                                + "<Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[RRSet with DNS name "
                                + name + " is not permitted by Route53Front]</Message></Error>"
                                + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
                        return;
                    }
                }
                changeBatches.incrementAndGet();
            }
            forward(exchange, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        forwarded.incrementAndGet();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] out = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
