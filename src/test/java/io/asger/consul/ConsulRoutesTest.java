package io.asger.consul;

import io.asger.TaskRoutes;
import io.asger.errors.PermanentFailure;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import io.asger.errors.TransientFailure;
import io.asger.peers.FakeConsul;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real routes/consul.camel.yaml in the shared task-route harness (no queue, no error handler) against FakeConsul: what each
 * answer of Consul becomes. The end-to-end behaviour through SQS, retries and the DLQ is in ConsulTaskIT.
 */
class ConsulRoutesTest {

    private static final String ID = "i-0123456789abcdef0";

    private FakeConsul consul;
    private TaskRoutes routes;

    @BeforeEach
    void start() throws IOException {
        consul = FakeConsul.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (routes != null) {
            routes.close();
        }
        consul.close();
    }

    private Exchange terminate(String instanceId, Map<String, String> settings) throws Exception {
        if (routes == null) {
            Map<String, String> all = new java.util.HashMap<>(settings);
            all.put("asger.consul.url", consul.url());
            all.putAll(settings);
            routes = TaskRoutes.load("consul", all);
        }
        AsgEvent event = AsgEvent.builder(EventType.DOWN).instanceId(instanceId).groupName("web-asg")
                .messageId("m-1").time(Instant.now()).build();
        Exchange exchange = routes.exchangeFor(event);
        // Not one run-one-task lets through, but a header an earlier step of the task could have left.
        exchange.getIn().setHeader("Authorization", "inbound header that must not reach Consul");
        return routes.context().createProducerTemplate().send("direct:consul-down", exchange);
    }

    @Test
    void removesTheNodeFoundByNodeMetaAndNothingElse() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", "i-0fffffffffffffff0"));

        Exchange done = terminate(ID, Map.of());

        assertThat(done.getException()).isNull();
        assertThat(consul.nodeNames("dc1")).containsExactly("web-2");
        assertThat(consul.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
    }

    @Test
    void ambiguousNodeMetaIsPermanentAndRemovesNothing() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.agentNode("web-1b", "10.0.0.3", Map.of("instance-id", ID));

        Exchange done = terminate(ID, Map.of());

        assertThat(done.getException()).isInstanceOf(PermanentFailure.class).hasMessageContaining("ambiguous")
                .hasMessageContaining("[web-1, web-1b]");
        assertThat(consul.nodeNames("dc1")).containsExactly("web-1", "web-1b");
        assertThat(consul.requests("PUT", "/")).isEmpty();
    }

    @Test
    void fallsBackToTheNodeNameTemplate() throws Exception {
        consul.agentNode("web-" + ID, "10.0.0.1", Map.of());
        consul.agentNode(ID, "10.0.0.2", Map.of());

        Exchange done = terminate(ID, Map.of("asger.consul.node-name", "web-{instanceId}"));

        assertThat(done.getException()).isNull();
        assertThat(consul.nodeNames("dc1")).containsExactly(ID);
    }

    @Test
    void withoutANodeMetaKeyOnlyTheNameIsLookedUp() throws Exception {
        consul.agentNode(ID, "10.0.0.1", Map.of("instance-id", "i-0fffffffffffffff0"));

        Exchange done = terminate(ID, Map.of("asger.consul.node-meta-key", ""));

        assertThat(done.getException()).isNull();
        assertThat(consul.hasNode(ID)).isFalse();
        assertThat(consul.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("GET /v1/catalog/node/" + ID, "PUT /v1/catalog/deregister");
    }

    @Test
    void theDatacenterSettingScopesLookupAndDeregistration() throws Exception {
        consul.registerNode("dc1", "web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.registerNode("dc2", "web-1", "10.1.0.1", Map.of("instance-id", ID));

        Exchange done = terminate(ID, Map.of("asger.consul.datacenter", "dc2"));

        assertThat(done.getException()).isNull();
        assertThat(consul.hasNode("dc2", "web-1")).isFalse();
        assertThat(consul.hasNode("dc1", "web-1")).isTrue();
        assertThat(consul.requests("GET", "/v1/catalog/nodes").get(0).query()).contains("dc=dc2");
    }

    @Test
    void noNodeIsAWarningAndSuccess() throws Exception {
        consul.agentNode("web-2", "10.0.0.2", Map.of("instance-id", "i-0fffffffffffffff0"));

        Exchange done = terminate(ID, Map.of());

        assertThat(done.getException()).isNull();
        assertThat(consul.nodeNames("dc1")).containsExactly("web-2");
        assertThat(consul.requests("PUT", "/")).isEmpty();
    }

    @Test
    void forceLeaveThenDeregisterInTheConfiguredDatacenter() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");

        Exchange done = terminate(ID, Map.of("asger.consul.force-leave", "true", "asger.consul.datacenter", "dc1"));

        assertThat(done.getException()).isNull();
        consul.reconcile();
        assertThat(consul.hasNode("web-1")).isFalse();
        assertThat(consul.memberStatus("web-1")).isNull();
        assertThat(consul.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("GET /v1/catalog/nodes", "PUT /v1/agent/force-leave/web-1", "PUT /v1/catalog/deregister");
        assertThat(consul.requests("PUT", "/v1/agent/force-leave").get(0).hasQueryParam("prune")).isTrue();
        assertThat(consul.requests("PUT", "/v1/catalog/deregister").get(0).body()).isEqualTo("{\"Datacenter\":\"dc1\",\"Node\":\"web-1\"}");
    }

    @Test
    void serverErrorIsTransient() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.failNext(1, 503);

        Exchange done = terminate(ID, Map.of());

        assertThat(done.getException()).isInstanceOf(TransientFailure.class).hasMessageContaining("503");
        assertThat(consul.hasNode("web-1")).isTrue();
    }

    @Test
    void deniedWriteIsPermanentAndNamesThePermission() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));
        consul.enableAcls("deny");
        consul.addToken("reader-secret", "node:read");

        Exchange done = terminate(ID, Map.of("asger.consul.token", "reader-secret"));

        assertThat(done.getException()).isInstanceOf(PermanentFailure.class).hasMessageContaining("lacks node:write")
                .hasMessageNotContaining("reader-secret");
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.requests()).allSatisfy(r -> assertThat(r.token()).isEqualTo("reader-secret"));
    }

    @Test
    void forceLeaveWithoutOperatorWriteIsPermanentAndRemovesNothing() throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");
        consul.enableAcls("deny");
        consul.addToken("writer-secret", "node:write");

        Exchange done = terminate(ID, Map.of("asger.consul.token", "writer-secret", "asger.consul.force-leave", "true"));

        assertThat(done.getException()).isInstanceOf(PermanentFailure.class).hasMessageContaining("lacks operator:write");
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.memberStatus("web-1")).isEqualTo(FakeConsul.MEMBER_FAILED);
    }

    @Test
    void forceLeaveOfANodeGossipNoLongerKnowsStillDeregistersIt() throws Exception {
        consul.registerNode("dc1", "web-1", "10.0.0.1", Map.of("instance-id", ID)); // catalog only, no gossip member

        Exchange done = terminate(ID, Map.of("asger.consul.force-leave", "true"));

        assertThat(done.getException()).isNull();
        assertThat(consul.hasNode("web-1")).isFalse();
        assertThat(consul.requests("PUT", "/v1/agent/force-leave")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(500));
    }

    @Test
    void talksHttpsTrustingTheConfiguredCaBundle() throws Exception {
        consul.close();
        consul = FakeConsul.startTls();
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID));

        Exchange done = terminate(ID, Map.of("asger.consul.ca-file", consul.caFile().toString()));

        assertThat(done.getException()).isNull();
        assertThat(consul.hasNode("web-1")).isFalse();
    }

    /** Start-up reads asger.dry-run in any case: TRUE is a dry run too, not a string the routes' 'true' misses. */
    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True"})
    void dryRunLooksUpButOnlyLogsTheChange(String dryRun) throws Exception {
        consul.agentNode("web-1", "10.0.0.1", Map.of("instance-id", ID)).memberFailed("web-1");

        Exchange done = terminate(ID, Map.of("asger.dry-run", dryRun, "asger.consul.force-leave", "true"));

        assertThat(done.getException()).isNull();
        assertThat(consul.hasNode("web-1")).isTrue();
        assertThat(consul.requests()).extracting(FakeConsul.Request::method).containsOnly("GET");
    }
}
