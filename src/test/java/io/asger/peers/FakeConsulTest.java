package io.asger.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checks the fake's fidelity to Consul's documented HTTP API, over HTTP. */
class FakeConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeConsul consul;

    @BeforeEach
    void start() throws IOException {
        consul = FakeConsul.start();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consul.url() + pathAndQuery)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String pathAndQuery, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consul.url() + pathAndQuery))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsNodesWithTheDocumentedShapeAndBlockingQueryHeaders() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", "i-0aaaaaaaaaaaaaaaa"));

        HttpResponse<String> r = get("/v1/catalog/nodes");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Consul-Index")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(r.headers().firstValue("X-Consul-KnownLeader")).hasValue("true");
        JsonNode node = JSON.readTree(r.body()).get(0);
        assertThat(node.get("Node").asText()).isEqualTo("web-1");
        assertThat(node.get("Address").asText()).isEqualTo("10.0.0.1");
        assertThat(node.get("Datacenter").asText()).isEqualTo("dc1");
        assertThat(node.get("Meta").get("instance-id").asText()).isEqualTo("i-0aaaaaaaaaaaaaaaa");
        assertThat(node.get("TaggedAddresses").get("lan").asText()).isEqualTo("10.0.0.1");
        assertThat(node.has("ID") && node.has("CreateIndex") && node.has("ModifyIndex")).isTrue();
    }

    @Test
    void filtersNodesByNodeMetaAndDatacenter() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", "i-0aaaaaaaaaaaaaaaa", "role", "web"));
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", "i-0bbbbbbbbbbbbbbbb", "role", "web"));
        consul.registerNode("dc2", "db-1", "10.1.0.1", Map.of("instance-id", "i-0aaaaaaaaaaaaaaaa"));

        assertThat(names(get("/v1/catalog/nodes?node-meta=instance-id:i-0aaaaaaaaaaaaaaaa"))).containsExactly("web-1");
        assertThat(names(get("/v1/catalog/nodes?node-meta=role:web"))).containsExactly("web-1", "web-2");
        assertThat(names(get("/v1/catalog/nodes?node-meta=role:web&node-meta=instance-id:i-0bbbbbbbbbbbbbbbb")))
                .containsExactly("web-2");
        assertThat(names(get("/v1/catalog/nodes?node-meta=instance-id:i-0ccccccccccccccccc"))).isEmpty();
        assertThat(names(get("/v1/catalog/nodes?dc=dc2&node-meta=instance-id:i-0aaaaaaaaaaaaaaaa"))).containsExactly("db-1");
        HttpResponse<String> unknownDc = get("/v1/catalog/nodes?dc=nowhere");
        assertThat(unknownDc.statusCode()).isEqualTo(500);
        assertThat(unknownDc.body()).isEqualTo("No path to datacenter");
    }

    @Test
    void singleNodeIsAnObjectOrNullWhenAbsent() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of());

        HttpResponse<String> found = get("/v1/catalog/node/web-1");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(found.body()).get("Node").get("Node").asText()).isEqualTo("web-1");
        assertThat(JSON.readTree(found.body()).get("Services").isObject()).isTrue();

        HttpResponse<String> absent = get("/v1/catalog/node/web-9");
        assertThat(absent.statusCode()).isEqualTo(200);
        assertThat(absent.body()).isEqualTo("null");
        assertThat(absent.headers().firstValue("X-Consul-Index")).isPresent();
    }

    @Test
    void registerAndDeregisterThroughTheCatalogApi() throws Exception {
        HttpResponse<String> reg = put("/v1/catalog/register",
                "{\"Node\":\"ext-1\",\"Address\":\"10.0.0.9\",\"NodeMeta\":{\"instance-id\":\"i-0ddddddddddddddd\"}}");
        assertThat(reg.statusCode()).isEqualTo(200);
        assertThat(reg.body()).isEqualTo("true");
        assertThat(consul.hasNode("ext-1")).isTrue();

        HttpResponse<String> dereg = put("/v1/catalog/deregister", "{\"Datacenter\":\"dc1\",\"Node\":\"ext-1\"}");
        assertThat(dereg.statusCode()).isEqualTo(200);
        assertThat(dereg.body()).isEqualTo("true");
        assertThat(consul.hasNode("ext-1")).isFalse();

        // Consul answers true for a node that is not there.
        assertThat(put("/v1/catalog/deregister", "{\"Node\":\"ext-1\"}").body()).isEqualTo("true");
    }

    @Test
    void deregisterRespectsDatacenterAndServiceScope() throws Exception {
        consul.registerNode("dc1", "same", "10.0.0.1", Map.of());
        consul.registerNode("dc2", "same", "10.1.0.1", Map.of());
        put("/v1/catalog/register", "{\"Node\":\"same\",\"Address\":\"10.0.0.1\",\"Service\":{\"ID\":\"web\",\"Service\":\"web\",\"Port\":80}}");

        put("/v1/catalog/deregister", "{\"Node\":\"same\",\"ServiceID\":\"web\"}");
        assertThat(consul.hasNode("dc1", "same")).isTrue();
        assertThat(JSON.readTree(get("/v1/catalog/node/same").body()).get("Services").size()).isZero();

        put("/v1/catalog/deregister", "{\"Node\":\"same\",\"Datacenter\":\"dc2\"}");
        assertThat(consul.hasNode("dc2", "same")).isFalse();
        assertThat(consul.hasNode("dc1", "same")).isTrue();
    }

    @Test
    void deregisterRejectsBadRequestsAsConsulDoes() throws Exception {
        assertThat(put("/v1/catalog/deregister", "{nope").statusCode()).isEqualTo(400);
        HttpResponse<String> noNode = put("/v1/catalog/deregister", "{\"Datacenter\":\"dc1\"}");
        assertThat(noNode.statusCode()).isEqualTo(500);
        assertThat(noNode.body()).isEqualTo("Must provide node");
        assertThat(put("/v1/catalog/deregister", "{\"Node\":\"x\",\"Datacenter\":\"dc9\"}").statusCode()).isEqualTo(500);
        HttpResponse<String> wrongMethod = get("/v1/catalog/deregister");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).isEqualTo("method GET not allowed");
    }

    @Test
    void forceLeaveMovesFailedMemberToLeftOrPrunesIt() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of()).memberFailed("web-1");
        consul.agentNode("web-2", "10.0.0.2", Map.of()).memberFailed("web-2");

        HttpResponse<String> left = put("/v1/agent/force-leave/web-1", "");
        assertThat(left.statusCode()).isEqualTo(200);
        assertThat(left.body()).isEmpty();
        assertThat(consul.memberStatus("web-1")).isEqualTo(FakeConsul.MEMBER_LEFT);

        assertThat(put("/v1/agent/force-leave/web-2?prune", "").statusCode()).isEqualTo(200);
        assertThat(consul.memberStatus("web-2")).isNull();
        JsonNode members = JSON.readTree(get("/v1/agent/members").body());
        assertThat(members).extracting(m -> m.get("Name").asText()).containsExactly("web-1");

        HttpResponse<String> unknown = put("/v1/agent/force-leave/web-2?prune", "");
        assertThat(unknown.statusCode()).isEqualTo(500);
        assertThat(unknown.body()).isEqualTo("agent: No node found with name 'web-2'");
    }

    @Test
    void leaderReconcileBringsBackAFailedMemberThatWasOnlyDeregistered() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of()).memberFailed("web-1");
        consul.agentNode("web-2", "10.0.0.2", Map.of()).memberFailed("web-2");

        put("/v1/catalog/deregister", "{\"Node\":\"web-1\"}");
        put("/v1/agent/force-leave/web-2?prune", "");
        put("/v1/catalog/deregister", "{\"Node\":\"web-2\"}");
        consul.reconcile();

        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.hasNode("web-2")).isFalse();
    }

    @Test
    void aclsDenyWritesNamingThePermissionAndFilterReads() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", "i-0aaaaaaaaaaaaaaaa")).memberFailed("web-1");
        consul.enableAcls("deny");
        String readerAccessor = consul.addToken("reader-secret", "node:read");
        consul.addToken("writer-secret", "node:write");
        consul.addToken("operator-secret", "operator:write");

        HttpResponse<String> unknown = get("/v1/catalog/nodes", "X-Consul-Token", "who-knows");
        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(unknown.body()).isEqualTo("ACL not found");

        // Anonymous: filtered silently, without the header (Consul does not tell anonymous callers).
        HttpResponse<String> anonymous = get("/v1/catalog/nodes");
        assertThat(names(anonymous)).isEmpty();
        assertThat(anonymous.headers().firstValue("X-Consul-Results-Filtered-By-ACLs")).isEmpty();
        HttpResponse<String> filtered = get("/v1/catalog/node/web-1", "X-Consul-Token", "operator-secret");
        assertThat(filtered.body()).isEqualTo("null");
        assertThat(filtered.headers().firstValue("X-Consul-Results-Filtered-By-ACLs")).hasValue("true");

        assertThat(names(get("/v1/catalog/nodes", "X-Consul-Token", "reader-secret"))).containsExactly("web-1");
        assertThat(names(get("/v1/catalog/nodes", "Authorization", "Bearer writer-secret"))).containsExactly("web-1");

        HttpResponse<String> readerWrites = put("/v1/catalog/deregister", "{\"Node\":\"web-1\"}", "X-Consul-Token", "reader-secret");
        assertThat(readerWrites.statusCode()).isEqualTo(403);
        assertThat(readerWrites.body()).isEqualTo(
                "Permission denied: token with AccessorID '" + readerAccessor + "' lacks permission 'node:write' on \"web-1\"");
        HttpResponse<String> anonymousWrites = put("/v1/catalog/deregister", "{\"Node\":\"web-1\"}");
        assertThat(anonymousWrites.body()).contains("'" + FakeConsul.ANONYMOUS_ACCESSOR + "'", "'node:write'");

        HttpResponse<String> writerForceLeaves = put("/v1/agent/force-leave/web-1?prune", "", "X-Consul-Token", "writer-secret");
        assertThat(writerForceLeaves.statusCode()).isEqualTo(403);
        assertThat(writerForceLeaves.body()).endsWith("lacks permission 'operator:write'");
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.memberStatus("web-1")).isEqualTo(FakeConsul.MEMBER_FAILED);

        assertThat(put("/v1/catalog/deregister?token=writer-secret", "{\"Node\":\"web-1\"}").statusCode()).isEqualTo(200);
        assertThat(put("/v1/agent/force-leave/web-1?prune", "", "X-Consul-Token", "operator-secret").statusCode()).isEqualTo(200);
        assertThat(consul.hasNode("web-1")).isFalse();
        assertThat(consul.memberStatus("web-1")).isNull();
    }

    @Test
    void injectsStatusesAndDroppedConnectionsThenRecovers() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of());
        consul.failNext(2, 503);
        assertThat(get("/v1/catalog/nodes").statusCode()).isEqualTo(503);
        assertThat(get("/v1/catalog/nodes").statusCode()).isEqualTo(503);
        assertThat(get("/v1/catalog/nodes").statusCode()).isEqualTo(200);

        // PUT: the JDK client would quietly retry an idempotent GET once on a closed connection.
        consul.dropNext(1);
        assertThatThrownBy(() -> put("/v1/catalog/deregister", "{\"Node\":\"web-1\"}")).isInstanceOf(IOException.class);
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(put("/v1/catalog/deregister", "{\"Node\":\"web-1\"}").statusCode()).isEqualTo(200);
        assertThat(consul.requests()).extracting(FakeConsul.Request::status).containsExactly(503, 503, 200, -1, 200);
    }

    @Test
    void logsEveryRequestWithItsTokenBodyAndAnswer() throws Exception {
        put("/v1/catalog/deregister", "{\"Node\":\"x\"}", "X-Consul-Token", "s3cret");
        get("/v1/catalog/nodes?node-meta=instance-id:i-1&dc=dc1");

        assertThat(consul.requests()).hasSize(2);
        FakeConsul.Request first = consul.requests("PUT", "/v1/catalog/deregister").get(0);
        assertThat(first.token()).isEqualTo("s3cret");
        assertThat(first.body()).isEqualTo("{\"Node\":\"x\"}");
        assertThat(first.status()).isEqualTo(200);
        FakeConsul.Request second = consul.requests("GET", "/v1/catalog/nodes").get(0);
        assertThat(second.query()).isEqualTo("node-meta=instance-id:i-1&dc=dc1");
        assertThat(second.hasQueryParam("dc")).isTrue();
        assertThat(second.token()).isNull();
    }

    private static java.util.List<String> names(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).isEqualTo(200);
        java.util.List<String> names = new java.util.ArrayList<>();
        JSON.readTree(r.body()).forEach(n -> names.add(n.get("Node").asText()));
        return names;
    }
}
