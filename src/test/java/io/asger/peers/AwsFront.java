package io.asger.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A recording front for moto (or ElasticMQ): every request goes on to moto unchanged, and is recorded with what a test asks of it
 * (which service and region it was signed for, which access key signed it, the form parameters of a Query-protocol
 * call such as EC2's and STS's, and the answer). moto keeps one set of resources per account, chosen by the access
 * key that signs, so a test sees both that a call was made with an assumed role's credentials and, through moto,
 * that it reached that account's resources.
 */
public final class AwsFront implements AutoCloseable {

    /**
     * One call: the SigV4 scope's service and region, the signing access key, its form parameters, the upstream's
     * answer, and the request's body and {@code X-Amz-Target} (a JSON-protocol call's action, such as SQS's).
     */
    public record Call(String service, String region, String accessKeyId, Map<String, String> params, int status,
            String answer, String target, String body) {
        /** The Query protocol's Action, or the JSON protocol's (X-Amz-Target "AmazonSQS.DeleteMessageBatch"). */
        public String action() {
            if (params.containsKey("Action")) {
                return params.get("Action");
            }
            return target.isEmpty() ? "" : target.substring(target.lastIndexOf('.') + 1);
        }
    }

    private static final Pattern SIGV4 = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/\\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,.*");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public AwsFront(URI upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one service (the SigV4 scope's name: ec2, sts, autoscaling, sqs). */
    public List<Call> calls(String service) {
        return calls.stream().filter(c -> c.service().equals(service)).toList();
    }

    public void reset() {
        calls.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            Matcher sig = SIGV4.matcher(authorization);
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            Map<String, String> params = contentType.startsWith("application/x-www-form-urlencoded")
                    ? form(new String(body, StandardCharsets.UTF_8)) : Map.of();
            calls.add(new Call(sig.matches() ? sig.group(3) : "", sig.matches() ? sig.group(2) : "",
                    sig.matches() ? sig.group(1) : "", params, response.statusCode(),
                    new String(response.body(), StandardCharsets.UTF_8),
                    String.valueOf(Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("X-Amz-Target"), "")),
                    new String(body, StandardCharsets.UTF_8)));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
