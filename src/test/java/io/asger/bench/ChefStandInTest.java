package io.asger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.asger.chef.ChefKeyLoader;
import io.asger.chef.ChefNodeNames;
import io.asger.chef.ChefRequestSigner;
import io.asger.chef.ChefSearchQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Chef stand-in over a real socket, read with asger's own parser of Chef's answers. */
class ChefStandInTest {

    private final ChefStandIn chef = new ChefStandIn();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ChefRequestSigner signer = new ChefRequestSigner();

    ChefStandInTest() throws Exception {
        signer.setClientName("asger-bench");
        signer.setKey(ChefKeyLoader.load(java.nio.file.Path.of(getClass().getResource("/chef/test-client-pkcs1.pem").toURI())));
    }

    @AfterEach
    void stop() {
        chef.close();
    }

    @Test
    void aSignedPartialSearchFindsTheInstancesOneNodeAsChefAnswersIt() throws Exception {
        String q = new ChefSearchQuery().build("i-0123456789abcdef0").getUrlEncoded();
        HttpResponse<String> answer = send("POST", "/search/node", "?q=" + q, ChefNodeNames.PARTIAL_SEARCH_BODY, true);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(new ChefNodeNames().fromSearchResponse(answer.body())).containsExactly("web-i-0123456789abcdef0");
    }

    @Test
    void deletesAnswer200WithJsonAndTheNodeDeleteIsRecorded() throws Exception {
        HttpResponse<String> client = send("DELETE", "/clients/web-i-0123456789abcdef0", "", null, true);
        assertThat(chef.nodeDeletes.count()).isZero();
        HttpResponse<String> node = send("DELETE", "/nodes/web-i-0123456789abcdef0", "", null, true);
        send("DELETE", "/nodes/web-i-0123456789abcdef0", "", null, true);

        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.body()).contains("\"clientname\":\"web-i-0123456789abcdef0\"");
        assertThat(node.statusCode()).isEqualTo(200);
        assertThat(node.body()).contains("\"name\":\"web-i-0123456789abcdef0\"", "\"chef_type\":\"node\"");
        assertThat(chef.nodeDeletes.count()).isEqualTo(1);
        assertThat(chef.nodeDeletes.total()).isEqualTo(2);
        assertThat(chef.nodeDeletes.at("i-0123456789abcdef0")).isNotNull();
    }

    @Test
    void anUnsignedRequestIsRefusedWith401AndChangesNothing() throws Exception {
        HttpResponse<String> answer = send("DELETE", "/nodes/web-i-0123456789abcdef0", "", null, false);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("must be signed");
        assertThat(chef.unsigned.get()).isEqualTo(1);
        assertThat(chef.nodeDeletes.count()).isZero();
    }

    @Test
    void aSearchNamingNoInstanceFindsNothingAndOtherPathsAre404() throws Exception {
        assertThat(new ChefNodeNames().fromSearchResponse(send("POST", "/search/node", "?q=name%3Aweb", "{}", true).body()))
                .isEmpty();
        assertThat(send("GET", "/roles/web", "", null, true).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> send(String method, String path, String query, String body, boolean signed) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(chef.url() + path + query))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (signed) {
            Map<String, String> headers = signer.signedHeaders(method, path, bytes, Instant.now());
            headers.forEach(request::header);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
