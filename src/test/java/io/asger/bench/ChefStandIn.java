package io.asger.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fast Chef Server stand-in on loopback: just enough of the API for the chef task's down path, answered as Chef
 * answers it. Every request must carry Chef's X-Ops signing headers (X-Ops-Userid, -Timestamp, -Content-Hash, -Sign
 * and X-Ops-Authorization-1..n); one without is refused with 401 as Chef refuses it (the signature itself is not
 * verified: that is goiardi's job in the tests, and costs this stand-in CPU the benchmark would count against the
 * box). Every instance id has exactly one node, {@code web-<instance id>}, whose client has the same name.
 * <ul>
 *   <li>{@code POST /search/node?q=ec2_instance_id:<escaped id>} (partial search): {@code {"total":1,"start":0,
 *   "rows":[{"url":".../nodes/web-i-...","data":{"name":"web-i-..."}}]}}; a query naming no instance id gives no rows
 *   </li>
 *   <li>{@code DELETE /clients/NAME}: 200 with the client as JSON; {@code DELETE /nodes/NAME}: 200 with the node as
 *   JSON, and the arrival is recorded (the last call of the chef task for an instance)</li>
 *   <li>anything else: 404 {@code {"error":["not found"]}}</li>
 * </ul>
 */
final class ChefStandIn implements AutoCloseable {

    private static final Pattern QUERY_ID = Pattern.compile("ec2_instance_id:((?:i\\\\-|i-)[0-9a-f]+)");
    private static final Pattern NODE = Pattern.compile("/(nodes|clients)/web-(i-[0-9a-f]+)");
    private static final String[] SIGNED = {"X-Ops-Userid", "X-Ops-Timestamp", "X-Ops-Content-Hash", "X-Ops-Sign",
        "X-Ops-Authorization-1"};

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    final Arrivals nodeDeletes = new Arrivals();
    final AtomicLong unsigned = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    ChefStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            for (String header : SIGNED) {
                if (exchange.getRequestHeaders().getFirst(header) == null) {
                    unsigned.incrementAndGet();
                    reply(exchange, 401, "{\"error\":[\"missing " + header + " header: requests must be signed\"]}");
                    return;
                }
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if ("POST".equals(method) && path.endsWith("/search/node")) {
                reply(exchange, 200, search(exchange.getRequestURI().getRawQuery()));
                return;
            }
            Matcher m = NODE.matcher(path);
            if ("DELETE".equals(method) && m.find()) {
                String name = "web-" + m.group(2);
                if ("nodes".equals(m.group(1))) {
                    nodeDeletes.arrived(m.group(2));
                    reply(exchange, 200, "{\"name\":\"" + name + "\",\"chef_type\":\"node\",\"json_class\":\"Chef::Node\","
                            + "\"chef_environment\":\"_default\",\"run_list\":[],\"automatic\":{\"ec2\":{\"instance_id\":\""
                            + m.group(2) + "\"}}}");
                } else {
                    reply(exchange, 200, "{\"name\":\"" + name + "\",\"clientname\":\"" + name + "\",\"validator\":false,"
                            + "\"json_class\":\"Chef::ApiClient\",\"chef_type\":\"client\"}");
                }
                return;
            }
            reply(exchange, 404, "{\"error\":[\"not found\"]}");
        }
    }

    /** The partial search answer for a query string {@code q=...}: the one node of the instance it names. */
    String search(String rawQuery) {
        String q = rawQuery == null ? "" : URLDecoder.decode(rawQuery, StandardCharsets.UTF_8);
        Matcher m = QUERY_ID.matcher(q);
        if (!m.find()) {
            return "{\"total\":0,\"start\":0,\"rows\":[]}";
        }
        String name = "web-" + m.group(1).replace("\\", "");
        return "{\"total\":1,\"start\":0,\"rows\":[{\"url\":\"" + url() + "/nodes/" + name + "\",\"data\":{\"name\":\""
                + name + "\"}}]}";
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
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
