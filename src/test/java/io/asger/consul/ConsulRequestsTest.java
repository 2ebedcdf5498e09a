package io.asger.consul;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulRequestsTest {

    private final ConsulRequests requests = new ConsulRequests();

    @Test
    void nodeMetaQueryWithAndWithoutDatacenter() {
        assertThat(requests.nodeMetaQuery("instance-id", "i-0123456789abcdef0", ""))
                .isEqualTo("node-meta=instance-id:i-0123456789abcdef0");
        assertThat(requests.nodeMetaQuery("aws instance", "i-1", " eu-west-1 "))
                .isEqualTo("node-meta=aws+instance:i-1&dc=eu-west-1");
        assertThat(requests.datacenterQuery(null)).isEmpty();
        assertThat(requests.datacenterQuery("dc2")).isEqualTo("dc=dc2");
    }

    @Test
    void nodeNameFromTemplate() {
        assertThat(requests.nodeName("{instanceId}", "i-1")).isEqualTo("i-1");
        assertThat(requests.nodeName("web-{instanceId}.node", "i-1")).isEqualTo("web-i-1.node");
    }

    @Test
    void pathsEscapeTheNodeName() {
        assertThat(requests.nodePath("web-1")).isEqualTo("/v1/catalog/node/web-1");
        assertThat(requests.forceLeavePath("odd name/x")).isEqualTo("/v1/agent/force-leave/odd%20name%2Fx");
    }

    @Test
    void deregistrationIsJsonWithNodeAndOptionalDatacenter() throws Exception {
        assertThat(requests.deregistration("web-1", "")).isEqualTo("{\"Node\":\"web-1\"}");
        assertThat(requests.deregistration("web-1", "dc2")).isEqualTo("{\"Datacenter\":\"dc2\",\"Node\":\"web-1\"}");
        String odd = requests.deregistration("we\"b", null);
        assertThat(new ObjectMapper().readTree(odd).get("Node").asText()).isEqualTo("we\"b");
    }

    @Test
    void describesRequestsOnOneLine() {
        assertThat(requests.describe("GET", "/v1/catalog/nodes", "node-meta=a:b")).isEqualTo("GET /v1/catalog/nodes?node-meta=a:b");
        assertThat(requests.describe("PUT", "/v1/catalog/deregister", null)).isEqualTo("PUT /v1/catalog/deregister");
    }
}
