/*
 * THIS IS A FAKE. It is not Consul and shares no code with it.
 *
 * A small in-memory stand-in for the parts of Consul's HTTP API that asger's Consul task touches, written
 * from Consul's HTTP API documentation (developer.hashicorp.com/consul/api-docs: catalog, agent, ACL) and
 * from how Consul's HTTP handlers answer (status codes, error texts, JSON shapes, X-Consul-* headers).
 * No Consul server can be installed on the build machines, so the end-to-end tests run against this.
 *
 * Modelled:
 *   GET  /v1/catalog/nodes[?dc=][&node-meta=KEY:VALUE ...]   JSON array of nodes (node-meta filters are ANDed)
 *   GET  /v1/catalog/node/:node[?dc=]                         {"Node":{...},"Services":{...}}, or 200 `null` when absent
 *   PUT  /v1/catalog/register                                 body Node, Address, ID, Datacenter, TaggedAddresses, NodeMeta, Service
 *   PUT  /v1/catalog/deregister                               body Node, Datacenter, CheckID, ServiceID; answers `true`,
 *                                                             also for a node that is not there (Consul does the same)
 *   PUT  /v1/agent/force-leave/:node[?prune][&wan]           gossip: failed -> left, or removed with ?prune;
 *                                                             500 "agent: No node found with name 'X'" when not a member
 *   GET  /v1/agent/members                                    the LAN gossip pool (Status 1 alive, 3 left, 4 failed)
 *   Blocking-query headers on catalog reads: X-Consul-Index, X-Consul-KnownLeader, X-Consul-LastContact.
 *   Datacenters: ?dc= / "Datacenter" select a catalog; an unknown one answers 500 "No path to datacenter".
 *   Wrong method: 405 "method X not allowed".
 *   ACLs (off until enableAcls()): token from X-Consul-Token, "Authorization: Bearer" or ?token=. An unknown
 *   secret answers 403 "ACL not found". Reads are filtered silently (with X-Consul-Results-Filtered-By-ACLs: true
 *   when a token was given, as Consul does to avoid leaking to anonymous callers); writes without permission
 *   answer 403 "Permission denied: token with AccessorID '...' lacks permission 'node:write' on "NAME"".
 *   Permissions are whole-resource ("node:read", "node:write", "operator:write"); Consul's prefix rules are not
 *   modelled. The anonymous token has the accessor id Consul gives it.
 *   Leader reconciliation, on demand: reconcile() does what Consul's leader does in the background, putting
 *   failed gossip members back into the catalog and removing left ones.
 *
 * TLS: startTls() serves HTTPS with a self-signed certificate for 127.0.0.1 made by the JDK's keytool; caFile()
 * is its PEM, for a client's CA bundle.
 *
 * Test hooks: error injection (failNext: the next N requests answer a status; dropNext: the next N requests get
 * their connection closed without an answer), a request log (requests()), and direct state access.
 */
package io.asger.peers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

public final class FakeConsul implements AutoCloseable {

    /** Consul's built-in anonymous token. */
    public static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";

    public static final int MEMBER_ALIVE = 1;
    public static final int MEMBER_LEFT = 3;
    public static final int MEMBER_FAILED = 4;

    /** One request as the fake received it. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body, int status) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        /** The ACL token the request carried, from any of the places Consul reads it; null when none. */
        public String token() {
            return tokenOf(this);
        }

        public boolean hasQueryParam(String name) {
            return query != null && queryParams(query).containsKey(name);
        }
    }

    private record Token(String accessorId, Set<String> permissions) {
        boolean allows(String permission) {
            if (permissions.contains("global-management") || permissions.contains(permission)) {
                return true;
            }
            // In Consul a write policy grants read on the same resource.
            return permission.endsWith(":read") && permissions.contains(permission.replace(":read", ":write"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String agentDatacenter;
    private final Set<String> datacenters = new LinkedHashSet<>();
    /** datacenter -> node name -> node record (an ObjectNode shaped like Consul's catalog node). */
    private final Map<String, Map<String, ObjectNode>> catalog = new LinkedHashMap<>();
    /** datacenter -> node name -> service id -> service. */
    private final Map<String, Map<String, Map<String, ObjectNode>>> services = new LinkedHashMap<>();
    /** LAN gossip pool of the agent's datacenter: name -> [address, status]. */
    private final Map<String, Object[]> members = new LinkedHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 500;
    private final AtomicInteger dropNext = new AtomicInteger();
    private long index = 10;

    private boolean aclsEnabled;
    private boolean aclDefaultAllow = true;
    private final Map<String, Token> tokens = new LinkedHashMap<>();

    private final Path caFile;

    private FakeConsul(String agentDatacenter, boolean tls) throws IOException {
        this.agentDatacenter = agentDatacenter;
        addDatacenter(agentDatacenter);
        if (tls) {
            Path dir = Files.createTempDirectory("fake-consul-tls");
            Path keystore = dir.resolve("server.p12");
            caFile = dir.resolve("ca.pem");
            keytool("-genkeypair", "-alias", "consul", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=FakeConsul", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
            keytool("-exportcert", "-rfc", "-alias", "consul", "-keystore", keystore.toString(), "-storepass", "changeit",
                    "-file", caFile.toString());
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext(keystore)));
            server = https;
        } else {
            caFile = null;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Starts a fake agent of datacenter dc1 on 127.0.0.1 and a free port. */
    public static FakeConsul start() throws IOException {
        return new FakeConsul("dc1", false);
    }

    public static FakeConsul start(String agentDatacenter) throws IOException {
        return new FakeConsul(agentDatacenter, false);
    }

    /** Like start(), over HTTPS with a fresh self-signed certificate (see caFile()). */
    public static FakeConsul startTls() throws IOException {
        return new FakeConsul("dc1", true);
    }

    /** Base URL, e.g. http://127.0.0.1:41234 (https://... when started with startTls()). */
    public String url() {
        return (caFile == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** PEM file of the certificate an HTTPS fake serves (self-signed, so it is its own CA). */
    public Path caFile() {
        return caFile;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static javax.net.ssl.SSLContext sslContext(Path keystore) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ---------------------------------------------------------------- test hooks: state

    public synchronized FakeConsul addDatacenter(String dc) {
        datacenters.add(dc);
        catalog.computeIfAbsent(dc, k -> new LinkedHashMap<>());
        services.computeIfAbsent(dc, k -> new LinkedHashMap<>());
        return this;
    }

    /** Registers a node in the agent's datacenter, as its agent would on boot (catalog and gossip, alive). */
    public FakeConsul agentNode(String name, String address, Map<String, String> meta) {
        registerNode(agentDatacenter, name, address, meta);
        synchronized (this) {
            members.put(name, new Object[] {address, MEMBER_ALIVE});
        }
        return this;
    }

    /** A catalog-only node (no gossip member), as registered through /v1/catalog/register. */
    public synchronized FakeConsul registerNode(String dc, String name, String address, Map<String, String> meta) {
        addDatacenter(dc);
        ObjectNode node = JSON.createObjectNode();
        node.put("ID", UUID.nameUUIDFromBytes((dc + "/" + name).getBytes(StandardCharsets.UTF_8)).toString());
        node.put("Node", name);
        node.put("Address", address);
        node.put("Datacenter", dc);
        ObjectNode tagged = node.putObject("TaggedAddresses");
        tagged.put("lan", address);
        tagged.put("lan_ipv4", address);
        tagged.put("wan", address);
        tagged.put("wan_ipv4", address);
        ObjectNode metaNode = node.putObject("Meta");
        (meta == null ? Map.<String, String>of() : meta).forEach(metaNode::put);
        long idx = ++index;
        ObjectNode previous = catalog.get(dc).get(name);
        node.put("CreateIndex", previous == null ? idx : previous.get("CreateIndex").asLong());
        node.put("ModifyIndex", idx);
        catalog.get(dc).put(name, node);
        services.get(dc).computeIfAbsent(name, k -> new LinkedHashMap<>());
        return this;
    }

    /** The gossip member's agent died without leaving: serf marks it failed. */
    public synchronized FakeConsul memberFailed(String name) {
        Object[] member = members.get(name);
        if (member == null) {
            throw new IllegalArgumentException("no member " + name);
        }
        member[1] = MEMBER_FAILED;
        return this;
    }

    public synchronized boolean hasNode(String dc, String name) {
        return catalog.containsKey(dc) && catalog.get(dc).containsKey(name);
    }

    public boolean hasNode(String name) {
        return hasNode(agentDatacenter, name);
    }

    public synchronized List<String> nodeNames(String dc) {
        return new ArrayList<>(catalog.getOrDefault(dc, Map.of()).keySet());
    }

    /** Gossip status of a member (1 alive, 3 left, 4 failed), or null when not a member (never was, or pruned). */
    public synchronized Integer memberStatus(String name) {
        Object[] member = members.get(name);
        return member == null ? null : (Integer) member[1];
    }

    /**
     * What Consul's leader does on its reconcile loop: a failed member is (re)registered in the catalog, a left
     * member is removed from it. This is why deregistering a failed agent's node without force-leave does not last.
     */
    public synchronized void reconcile() {
        for (Map.Entry<String, Object[]> e : members.entrySet()) {
            int status = (Integer) e.getValue()[1];
            if (status == MEMBER_FAILED && !hasNode(agentDatacenter, e.getKey())) {
                registerNode(agentDatacenter, e.getKey(), (String) e.getValue()[0], Map.of());
            } else if (status == MEMBER_LEFT) {
                deregisterNode(agentDatacenter, e.getKey());
            }
        }
    }

    // ---------------------------------------------------------------- test hooks: ACLs

    /** Turns ACLs on with the given default policy ("deny" as recommended, or "allow"). */
    public synchronized FakeConsul enableAcls(String defaultPolicy) {
        aclsEnabled = true;
        aclDefaultAllow = "allow".equals(defaultPolicy);
        return this;
    }

    /**
     * Adds a token. permissions: "node:read", "node:write", "operator:write", or "global-management".
     * Returns the token's AccessorID (Consul's public id for the token; the secret is what callers send).
     */
    public synchronized String addToken(String secretId, String... permissions) {
        String accessor = UUID.nameUUIDFromBytes(("accessor/" + secretId).getBytes(StandardCharsets.UTF_8)).toString();
        tokens.put(secretId, new Token(accessor, Set.of(permissions)));
        return accessor;
    }

    // ---------------------------------------------------------------- test hooks: errors and log

    /** The next n requests answer the given status (e.g. 500, 503, 429) instead of being served. */
    public FakeConsul failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
        return this;
    }

    /** The next n requests have their connection closed without any answer (the client sees an I/O error). */
    public FakeConsul dropNext(int n) {
        dropNext.set(n);
        return this;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Request> requests(String method, String pathPrefix) {
        return requests().stream()
                .filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
                .collect(Collectors.toList());
    }

    public void clearRequests() {
        requests.clear();
    }

    // ---------------------------------------------------------------- HTTP

    private record Answer(int status, String body, Map<String, String> headers) {
        static Answer json(Object body) {
            return new Answer(200, write(body), Map.of());
        }

        static Answer text(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "text/plain; charset=utf-8"));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();

        if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            requests.add(new Request(method, path, query, headers, body, -1));
            exchange.close(); // no response headers sent: the server closes the connection
            return;
        }
        Answer answer;
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answer = Answer.text(failStatus, "injected failure (FakeConsul)");
        } else {
            try {
                answer = serve(method, URLDecoder.decode(path, StandardCharsets.UTF_8), query, headers, body);
            } catch (RuntimeException e) {
                answer = Answer.text(500, e.toString());
            }
        }
        requests.add(new Request(method, path, query, headers, body, answer.status()));
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    private synchronized Answer serve(String method, String path, String query, Map<String, String> headers, String body) {
        Map<String, List<String>> params = queryParams(query);
        String secret = tokenOf(new Request(method, path, query, headers, body, 0));
        Token resolved = null;
        if (aclsEnabled) {
            if (secret != null && !secret.isEmpty()) {
                resolved = tokens.get(secret);
                if (resolved == null) {
                    return Answer.text(403, "ACL not found");
                }
            } else {
                resolved = new Token(ANONYMOUS_ACCESSOR, aclDefaultAllow ? Set.of("global-management") : Set.of());
            }
        }
        Token token = resolved;
        boolean tokenGiven = secret != null && !secret.isEmpty();

        if (path.equals("/v1/catalog/nodes")) {
            return onlyMethod(method, "GET", () -> listNodes(params, token, tokenGiven));
        }
        if (path.startsWith("/v1/catalog/node/")) {
            return onlyMethod(method, "GET", () -> nodeServices(path.substring("/v1/catalog/node/".length()), params, token, tokenGiven));
        }
        if (path.equals("/v1/catalog/register")) {
            return onlyMethod(method, "PUT", () -> register(body, token));
        }
        if (path.equals("/v1/catalog/deregister")) {
            return onlyMethod(method, "PUT", () -> deregister(body, token));
        }
        if (path.startsWith("/v1/agent/force-leave/")) {
            return onlyMethod(method, "PUT", () -> forceLeave(path.substring("/v1/agent/force-leave/".length()), params, token));
        }
        if (path.equals("/v1/agent/members")) {
            return onlyMethod(method, "GET", () -> listMembers(token));
        }
        return Answer.text(404, "Invalid URL path: not a recognized HTTP API endpoint (FakeConsul models only a few)");
    }

    private static Answer onlyMethod(String method, String allowed, java.util.function.Supplier<Answer> handler) {
        if (!method.equals(allowed)) {
            return Answer.text(405, "method " + method + " not allowed");
        }
        return handler.get();
    }

    private Answer withIndex(Answer answer, boolean filtered) {
        Map<String, String> h = new LinkedHashMap<>(answer.headers());
        h.put("X-Consul-Index", Long.toString(index));
        h.put("X-Consul-KnownLeader", "true");
        h.put("X-Consul-LastContact", "0");
        if (filtered) {
            h.put("X-Consul-Results-Filtered-By-ACLs", "true");
        }
        return new Answer(answer.status(), answer.body(), h);
    }

    private String datacenter(Map<String, List<String>> params) {
        List<String> dc = params.get("dc");
        return dc == null || dc.get(0).isEmpty() ? agentDatacenter : dc.get(0);
    }

    private Answer listNodes(Map<String, List<String>> params, Token token, boolean tokenGiven) {
        String dc = datacenter(params);
        if (!datacenters.contains(dc)) {
            return Answer.text(500, "No path to datacenter");
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (String f : params.getOrDefault("node-meta", List.of())) {
            String[] kv = f.split(":", 2);
            filters.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        ArrayNode out = JSON.createArrayNode();
        boolean filtered = false;
        for (ObjectNode node : catalog.get(dc).values()) {
            boolean matches = filters.entrySet().stream()
                    .allMatch(f -> node.get("Meta").has(f.getKey()) && node.get("Meta").get(f.getKey()).asText().equals(f.getValue()));
            if (!matches) {
                continue;
            }
            if (token != null && !token.allows("node:read")) {
                filtered = true;
                continue;
            }
            out.add(node.deepCopy());
        }
        return withIndex(Answer.json(out), filtered && tokenGiven);
    }

    private Answer nodeServices(String name, Map<String, List<String>> params, Token token, boolean tokenGiven) {
        if (name.isEmpty()) {
            return Answer.text(400, "Missing node name");
        }
        String dc = datacenter(params);
        if (!datacenters.contains(dc)) {
            return Answer.text(500, "No path to datacenter");
        }
        ObjectNode node = catalog.get(dc).get(name);
        if (node == null) {
            return withIndex(new Answer(200, "null", Map.of()), false);
        }
        if (token != null && !token.allows("node:read")) {
            return withIndex(new Answer(200, "null", Map.of()), tokenGiven);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("Node", node.deepCopy());
        ObjectNode svc = out.putObject("Services");
        services.get(dc).getOrDefault(name, Map.of()).forEach(svc::set);
        return withIndex(Answer.json(out), false);
    }

    private Answer register(String body, Token token) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Answer.text(400, "Request decode failed: " + e.getOriginalMessage());
        }
        String dc = req.path("Datacenter").asText("");
        dc = dc.isEmpty() ? agentDatacenter : dc;
        if (!datacenters.contains(dc)) {
            return Answer.text(500, "No path to datacenter");
        }
        String name = req.path("Node").asText("");
        if (name.isEmpty() || req.path("Address").asText("").isEmpty()) {
            return Answer.text(500, "Must provide node and address");
        }
        if (token != null && !token.allows("node:write")) {
            return Answer.text(403, denied(token, "node:write", name));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        req.path("NodeMeta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        registerNode(dc, name, req.get("Address").asText(), meta);
        if (req.hasNonNull("ID")) {
            catalog.get(dc).get(name).put("ID", req.get("ID").asText());
        }
        JsonNode service = req.get("Service");
        if (service != null && service.isObject()) {
            ObjectNode s = ((ObjectNode) service).deepCopy();
            String id = s.path("ID").asText(s.path("Service").asText());
            s.put("ID", id);
            services.get(dc).get(name).put(id, s);
        }
        return Answer.json(true);
    }

    private Answer deregister(String body, Token token) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Answer.text(400, "Request decode failed: " + e.getOriginalMessage());
        }
        if (req == null || !req.isObject()) {
            return Answer.text(400, "Request decode failed: body is not a JSON object");
        }
        String dc = req.path("Datacenter").asText("");
        dc = dc.isEmpty() ? agentDatacenter : dc;
        if (!datacenters.contains(dc)) {
            return Answer.text(500, "No path to datacenter");
        }
        String name = req.path("Node").asText("");
        if (name.isEmpty()) {
            return Answer.text(500, "Must provide node");
        }
        if (token != null && !token.allows("node:write")) {
            return Answer.text(403, denied(token, "node:write", name));
        }
        String serviceId = req.path("ServiceID").asText("");
        String checkId = req.path("CheckID").asText("");
        if (!serviceId.isEmpty()) {
            Map<String, ObjectNode> svcs = services.get(dc).get(name);
            if (svcs != null) {
                svcs.remove(serviceId);
            }
        } else if (checkId.isEmpty()) {
            deregisterNode(dc, name); // a node that is not there is no error: Consul answers true as well
        }
        index++;
        return Answer.json(true);
    }

    private void deregisterNode(String dc, String name) {
        catalog.get(dc).remove(name);
        services.get(dc).remove(name);
    }

    private Answer forceLeave(String name, Map<String, List<String>> params, Token token) {
        if (token != null && !token.allows("operator:write")) {
            return Answer.text(403, denied(token, "operator:write", null));
        }
        boolean prune = params.containsKey("prune");
        boolean wan = params.containsKey("wan");
        Object[] member = wan ? null : members.get(name); // this fake has no WAN pool
        if (member == null) {
            return Answer.text(500, "agent: No node found with name '" + name + "'");
        }
        if (prune) {
            members.remove(name);
        } else {
            member[1] = MEMBER_LEFT;
        }
        return new Answer(200, "", Map.of());
    }

    private Answer listMembers(Token token) {
        ArrayNode out = JSON.createArrayNode();
        members.forEach((name, m) -> {
            if (token == null || token.allows("node:read")) {
                ObjectNode o = out.addObject();
                o.put("Name", name);
                o.put("Addr", (String) m[0]);
                o.put("Port", 8301);
                o.putObject("Tags").put("dc", agentDatacenter).put("role", "node");
                o.put("Status", (Integer) m[1]);
            }
        });
        return Answer.json(out);
    }

    private static String denied(Token token, String permission, String resource) {
        return "Permission denied: token with AccessorID '" + token.accessorId() + "' lacks permission '" + permission + "'"
                + (resource == null ? "" : " on \"" + resource + "\"");
    }

    // ---------------------------------------------------------------- helpers

    private static String tokenOf(Request r) {
        String header = r.headers().get("x-consul-token");
        if (header != null) {
            return header;
        }
        String auth = r.headers().get("authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return auth.substring("Bearer ".length());
        }
        List<String> q = queryParams(r.query()).get("token");
        return q == null ? null : q.get(0);
    }

    static Map<String, List<String>> queryParams(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
