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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local Auto Scaling endpoint for the lifecycle actions moto cannot serve (moto answers CompleteLifecycleAction and
 * RecordLifecycleActionHeartbeat with 500, and never shows an instance in {@code Terminating:Wait}). It speaks the
 * Query protocol the AWS SDK for Java uses for Auto Scaling: a form POST with {@code Action=...&Version=2011-01-01},
 * XML answers in the {@value #NAMESPACE} namespace, errors as {@code <ErrorResponse>}.
 *
 * <p>Answered here: CompleteLifecycleAction, RecordLifecycleActionHeartbeat, DescribeLifecycleHooks (for groups given
 * to {@link #hook}) and DescribeAutoScalingInstances (for instances given to {@link #instance}). Everything else, and
 * the hooks and instances this fake was not told about, goes unchanged to the upstream (moto), so the fake can sit in
 * front of moto as {@code AWS_ENDPOINT_URL_AUTO_SCALING}. Every call is recorded with its parameters, the region of
 * its SigV4 credential scope and the access key id that signed it; a call without a SigV4 {@code Authorization} header is refused as AWS refuses it.
 *
 * <p>Like Auto Scaling, a completed action moves its instance on from {@code *:Wait} to {@code *:Proceed}; completing
 * or heartbeating an instance that is known here and not waiting answers "No active Lifecycle Action found".
 */
public final class FakeAutoScaling implements AutoCloseable {

    public static final String NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
    public static final String VERSION = "2011-01-01";

    /**
     * One call as the fake received it, and when: {@code region} from its SigV4 credential scope, {@code accessKeyId}
     * the key that signed it (which account's credentials called).
     */
    public record Call(String action, Map<String, String> params, String region, String accessKeyId, boolean forwarded,
            Instant received) {
        public String param(String name) {
            return params.get(name);
        }
    }

    private record Fault(int status, String code, String message) {
    }

    private record Hook(String group, String name, String transition, int heartbeatTimeout) {
    }

    private record Instance(String id, String group, String zone) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");
    private static final Pattern SIGV4 = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/\\d{8}/([a-z0-9-]+)/autoscaling/aws4_request,\\s*SignedHeaders=[^,]+,\\s*Signature=[0-9a-f]{64}");
    private static final Pattern MEMBERS = Pattern.compile("<AutoScalingInstances>(.*?)</AutoScalingInstances>", Pattern.DOTALL);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI upstream;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();

    /** A fake that refuses every action it does not answer itself (InvalidAction). */
    public FakeAutoScaling() throws IOException {
        this(null);
    }

    /** @param upstream where every other action goes unchanged (e.g. {@link Moto#endpointUri()}); null for none */
    public FakeAutoScaling(URI upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL to give the SDK ({@code aws.endpointUrlAutoScaling} / {@code AWS_ENDPOINT_URL_AUTO_SCALING}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Declares a lifecycle hook DescribeLifecycleHooks answers for {@code group}. */
    public FakeAutoScaling hook(String group, String hookName, String transition, int heartbeatTimeoutSeconds) {
        hooks.put(group + "\u0000" + hookName, new Hook(group, hookName, transition, heartbeatTimeoutSeconds));
        return this;
    }

    /** Declares an instance DescribeAutoScalingInstances answers, in {@code lifecycleState} (e.g. Terminating:Wait). */
    public FakeAutoScaling instance(String instanceId, String group, String lifecycleState) {
        instances.put(instanceId, new Instance(instanceId, group, "us-east-1a"));
        states.put(instanceId, lifecycleState);
        return this;
    }

    /** Moves a declared instance to another lifecycle state. */
    public void lifecycleState(String instanceId, String lifecycleState) {
        if (!instances.containsKey(instanceId)) {
            throw new IllegalArgumentException("unknown instance " + instanceId + "; declare it with instance(...)");
        }
        states.put(instanceId, lifecycleState);
    }

    public String lifecycleState(String instanceId) {
        return states.get(instanceId);
    }

    /** The next {@code times} calls of {@code action} answer this error instead (forwarded actions too). */
    public void fail(String action, int times, int status, String code, String message) {
        Deque<Fault> queue = faults.computeIfAbsent(action, a -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(new Fault(status, code, message));
            }
        }
    }

    /** Forgets faults, hooks, instances and recorded calls. */
    public void reset() {
        faults.clear();
        hooks.clear();
        instances.clear();
        states.clear();
        calls.clear();
    }

    /** Every call so far, in arrival order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one action so far, in arrival order. */
    public List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher sig = authorization == null ? null : SIGV4.matcher(authorization);
            if (sig == null || !sig.matches()) {
                error(exchange, 403, "MissingAuthenticationToken",
                        "Request is missing a valid AWS4-HMAC-SHA256 Authorization header: " + authorization);
                return;
            }
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (!"POST".equals(exchange.getRequestMethod()) || !contentType.startsWith("application/x-www-form-urlencoded")) {
                error(exchange, 400, "InvalidAction", "Only the Query protocol (form POST) is served; got "
                        + exchange.getRequestMethod() + " " + contentType);
                return;
            }
            Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
            String action = params.getOrDefault("Action", "");
            boolean answeredHere = answersHere(action, params);
            calls.add(new Call(action, params, sig.group(2), sig.group(1), !answeredHere, Instant.now()));
            if (!VERSION.equals(params.get("Version"))) {
                error(exchange, 400, "InvalidParameterValue", "Version must be " + VERSION + ", got " + params.get("Version"));
                return;
            }
            Fault fault = nextFault(action);
            if (fault != null) {
                error(exchange, fault.status(), fault.code(), fault.message());
                return;
            }
            switch (action) {
                case "CompleteLifecycleAction" -> completeLifecycleAction(exchange, params);
                case "RecordLifecycleActionHeartbeat" -> heartbeat(exchange, params);
                case "DescribeLifecycleHooks" -> {
                    if (answeredHere) {
                        describeLifecycleHooks(exchange, params);
                    } else {
                        forward(exchange, body);
                    }
                }
                case "DescribeAutoScalingInstances" -> describeAutoScalingInstances(exchange, params, body);
                default -> forward(exchange, body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean answersHere(String action, Map<String, String> params) {
        return switch (action) {
            case "CompleteLifecycleAction", "RecordLifecycleActionHeartbeat" -> true;
            case "DescribeLifecycleHooks" -> hooks.values().stream()
                    .anyMatch(h -> h.group().equals(params.get("AutoScalingGroupName")));
            case "DescribeAutoScalingInstances" -> members(params, "InstanceIds").stream().anyMatch(instances::containsKey);
            default -> false;
        };
    }

    private Fault nextFault(String action) {
        Deque<Fault> queue = faults.get(action);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            return queue.poll();
        }
    }

    private void completeLifecycleAction(HttpExchange exchange, Map<String, String> params) throws IOException {
        for (String required : List.of("AutoScalingGroupName", "LifecycleHookName", "LifecycleActionResult")) {
            if (params.get(required) == null) {
                error(exchange, 400, "ValidationError", "1 validation error detected: Value null at '"
                        + required + "' failed to satisfy constraint: Member must not be null");
                return;
            }
        }
        String result = params.get("LifecycleActionResult");
        if (!result.equals("CONTINUE") && !result.equals("ABANDON")) {
            error(exchange, 400, "ValidationError", "Invalid LifecycleActionResult " + result);
            return;
        }
        if (!waiting(exchange, params)) {
            return;
        }
        String id = params.get("InstanceId");
        if (id != null && instances.containsKey(id)) {
            states.computeIfPresent(id, (i, s) -> s.replace(":Wait", ":Proceed"));
        }
        reply(exchange, "CompleteLifecycleAction", "<CompleteLifecycleActionResult/>");
    }

    private void heartbeat(HttpExchange exchange, Map<String, String> params) throws IOException {
        if (waiting(exchange, params)) {
            reply(exchange, "RecordLifecycleActionHeartbeat", "<RecordLifecycleActionHeartbeatResult/>");
        }
    }

    /** Whether the action's instance may still be acted on; answers AWS's error when it may not. */
    private boolean waiting(HttpExchange exchange, Map<String, String> params) throws IOException {
        if (params.get("LifecycleActionToken") == null && params.get("InstanceId") == null) {
            error(exchange, 400, "ValidationError", "Either LifecycleActionToken or InstanceId must be specified");
            return false;
        }
        String state = params.get("InstanceId") == null ? null : states.get(params.get("InstanceId"));
        if (state != null && !state.endsWith(":Wait")) {
            error(exchange, 400, "ValidationError", "No active Lifecycle Action found with token "
                    + params.getOrDefault("LifecycleActionToken", "for instance " + params.get("InstanceId")));
            return false;
        }
        return true;
    }

    private void describeLifecycleHooks(HttpExchange exchange, Map<String, String> params) throws IOException {
        String group = params.get("AutoScalingGroupName");
        List<String> names = members(params, "LifecycleHookNames");
        StringBuilder xml = new StringBuilder("<DescribeLifecycleHooksResult><LifecycleHooks>");
        hooks.values().stream()
                .filter(h -> h.group().equals(group) && (names.isEmpty() || names.contains(h.name())))
                .forEach(h -> xml.append("<member>")
                        .append("<LifecycleHookName>").append(escape(h.name())).append("</LifecycleHookName>")
                        .append("<AutoScalingGroupName>").append(escape(h.group())).append("</AutoScalingGroupName>")
                        .append("<LifecycleTransition>").append(h.transition()).append("</LifecycleTransition>")
                        .append("<HeartbeatTimeout>").append(h.heartbeatTimeout()).append("</HeartbeatTimeout>")
                        .append("<GlobalTimeout>").append(Math.min(172800, h.heartbeatTimeout() * 100)).append("</GlobalTimeout>")
                        .append("<DefaultResult>ABANDON</DefaultResult>")
                        .append("</member>"));
        xml.append("</LifecycleHooks></DescribeLifecycleHooksResult>");
        reply(exchange, "DescribeLifecycleHooks", xml.toString());
    }

    private void describeAutoScalingInstances(HttpExchange exchange, Map<String, String> params, byte[] body)
            throws IOException, InterruptedException {
        List<String> ids = members(params, "InstanceIds");
        List<String> unknown = ids.stream().filter(id -> !instances.containsKey(id)).toList();
        if (ids.isEmpty() || unknown.size() == ids.size()) {
            forward(exchange, body);
            return;
        }
        StringBuilder members = new StringBuilder();
        for (String id : ids) {
            Instance i = instances.get(id);
            if (i != null) {
                members.append("<member>")
                        .append("<InstanceId>").append(escape(i.id())).append("</InstanceId>")
                        .append("<InstanceType>t3.micro</InstanceType>")
                        .append("<AutoScalingGroupName>").append(escape(i.group())).append("</AutoScalingGroupName>")
                        .append("<AvailabilityZone>").append(i.zone()).append("</AvailabilityZone>")
                        .append("<LifecycleState>").append(escape(states.get(id))).append("</LifecycleState>")
                        .append("<HealthStatus>HEALTHY</HealthStatus>")
                        .append("<ProtectedFromScaleIn>false</ProtectedFromScaleIn>")
                        .append("</member>");
            }
        }
        if (!unknown.isEmpty() && upstream != null) {
            // The ones this fake was not told about come from upstream, in one answer as AWS would give them.
            StringBuilder form = new StringBuilder("Action=DescribeAutoScalingInstances&Version=" + VERSION);
            for (int n = 0; n < unknown.size(); n++) {
                form.append("&InstanceIds.member.").append(n + 1).append('=')
                        .append(java.net.URLEncoder.encode(unknown.get(n), StandardCharsets.UTF_8));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve("/"))
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
            copyAuthorization(exchange, request);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = MEMBERS.matcher(response.body());
            if (response.statusCode() == 200 && m.find()) {
                members.append(m.group(1).trim());
            }
        }
        reply(exchange, "DescribeAutoScalingInstances", "<DescribeAutoScalingInstancesResult><AutoScalingInstances>"
                + members + "</AutoScalingInstances></DescribeAutoScalingInstancesResult>");
    }

    private static void copyAuthorization(HttpExchange exchange, HttpRequest.Builder request) {
        // moto reads the region and account from these; it does not check the signature.
        for (String name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        if (upstream == null) {
            error(exchange, 400, "InvalidAction", "FakeAutoScaling has no upstream for this action");
            return;
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

    /** {@code Name.member.1=a&Name.member.2=b} as [a, b], in member order. */
    private static List<String> members(Map<String, String> params, String name) {
        List<String> values = new ArrayList<>();
        for (int n = 1; params.containsKey(name + ".member." + n); n++) {
            values.add(params.get(name + ".member." + n));
        }
        return values;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return Collections.unmodifiableMap(params);
    }

    private static void reply(HttpExchange exchange, String action, String result) throws IOException {
        send(exchange, 200, "<" + action + "Response xmlns=\"" + NAMESPACE + "\">" + result
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                + "</" + action + "Response>");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>"
                + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + escape(code) + "</Code><Message>"
                + escape(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] out = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
