package io.asger.consul;

import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsulRepliesTest {

    private final ConsulReplies replies = new ConsulReplies();

    @Test
    void successesPass() {
        assertThatCode(() -> replies.check(200, "true", "PUT /v1/catalog/deregister", "node:write")).doesNotThrowAnyException();
    }

    @Test
    void serverErrorsAndThrottlingAreTransient() {
        for (int status : new int[] {429, 500, 502, 503}) {
            assertThatThrownBy(() -> replies.check(status, "rpc error: No cluster leader", "GET /v1/catalog/nodes", "node:read"))
                    .isInstanceOf(TransientFailure.class)
                    .hasMessageContaining(Integer.toString(status))
                    .hasMessageContaining("GET /v1/catalog/nodes")
                    .hasMessageContaining("No cluster leader");
        }
    }

    @Test
    void forbiddenNamesThePermissionConsulReports() {
        String consulSaid = "Permission denied: token with AccessorID 'b1f4...' lacks permission 'node:write' on \"web-1\"";
        assertThatThrownBy(() -> replies.check(403, consulSaid, "PUT /v1/catalog/deregister", "node:read"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("lacks node:write")
                .hasMessageContaining("PUT /v1/catalog/deregister")
                .hasMessageContaining(consulSaid);
    }

    @Test
    void forbiddenWithoutDetailNamesThePermissionTheRequestNeeds() {
        assertThatThrownBy(() -> replies.check(403, "Permission denied", "PUT /v1/agent/force-leave/web-1?prune", "operator:write"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("lacks operator:write");
    }

    @Test
    void unknownTokenSaysSo() {
        assertThatThrownBy(() -> replies.check(403, "ACL not found", "GET /v1/catalog/nodes", "node:read"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("unknown to Consul")
                .hasMessageContaining("asger.consul.token");
    }

    @Test
    void otherClientErrorsArePermanent() {
        assertThatThrownBy(() -> replies.check(400, "Request decode failed: bad", "PUT /v1/catalog/deregister", "node:write"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("400");
        assertThatThrownBy(() -> replies.check(405, "method GET not allowed", "GET /v1/catalog/deregister", "node:write"))
                .isInstanceOf(PermanentFailure.class);
    }

    @Test
    void longBodiesAreShortened() {
        String body = "x".repeat(5000);
        assertThatThrownBy(() -> replies.check(500, body, "GET /", "node:read"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void readsNodeNamesFromTheNodeList() throws Exception {
        String body = "[{\"ID\":\"a\",\"Node\":\"web-1\",\"Address\":\"10.0.0.1\",\"Meta\":{}},"
                + "{\"ID\":\"b\",\"Node\":\"web-2\",\"Address\":\"10.0.0.2\",\"Meta\":null}]";
        assertThat(replies.nodeList(200, body, null, "GET /v1/catalog/nodes")).containsExactly("web-1", "web-2");
        assertThat(replies.nodeList(200, "[]", null, "GET /v1/catalog/nodes")).isEmpty();
    }

    @Test
    void aListFilteredByAclsCannotBeTrusted() {
        assertThatThrownBy(() -> replies.nodeList(200, "[]", "true", "GET /v1/catalog/nodes?node-meta=instance-id:i-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("node:read");
    }

    @Test
    void aSingleNodeOrNothing() throws Exception {
        assertThat(replies.node(200, "{\"Node\":{\"Node\":\"web-1\",\"Address\":\"10.0.0.1\"},\"Services\":{}}", null, "GET"))
                .containsExactly("web-1");
        assertThat(replies.node(200, "null", null, "GET")).isEmpty();
        assertThat(replies.node(404, "", null, "GET")).isEmpty();
        assertThatThrownBy(() -> replies.node(200, "null", "true", "GET")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> replies.node(200, "{\"unexpected\":1}", null, "GET")).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void exactlyOneNodeOrNoneElseAmbiguous() {
        assertThat(replies.onlyNode(List.of(), "node-meta instance-id:i-1")).isNull();
        assertThat(replies.onlyNode(List.of("web-1"), "node-meta instance-id:i-1")).isEqualTo("web-1");
        assertThatThrownBy(() -> replies.onlyNode(List.of("web-1", "web-1b"), "node-meta instance-id:i-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageStartingWith("ambiguous: ")
                .hasMessageContaining("[web-1, web-1b]");
    }

    @Test
    void forceLeaveOfAMemberTheAgentDoesNotKnowIsNothingToDo() {
        assertThat(replies.forcedLeave(200, "", "PUT /v1/agent/force-leave/web-1?prune")).isTrue();
        assertThat(replies.forcedLeave(500, "agent: No node found with name 'web-1'", "PUT")).isFalse();
        assertThatThrownBy(() -> replies.forcedLeave(500, "rpc error", "PUT")).isInstanceOf(TransientFailure.class);
        assertThatThrownBy(() -> replies.forcedLeave(403, "Permission denied", "PUT"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("operator:write");
    }
}
