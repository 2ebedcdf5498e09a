package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.peers.Goiardi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The signer and the search query against a real Chef server (goiardi with authentication on). */
class ChefSignerGoiardiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Goiardi chef;

    @BeforeAll
    static void startChef() {
        chef = Goiardi.start();
        chef.createNode("web-1", Map.of("ec2", Map.of("instance_id", "i-0123456789abcdef0")), List.of("i-0123456789abcdef0"));
        chef.createNode("web-2", Map.of("ec2", Map.of("instance_id", "i-0fedcba9876543210")), List.of());
    }

    @AfterAll
    static void stopChef() {
        if (chef != null) {
            chef.close();
        }
    }

    private static ChefRequestSigner adminSigner(String version) {
        ChefRequestSigner signer = new ChefRequestSigner();
        signer.setClientName(Goiardi.ADMIN);
        signer.setKeyFile(chef.adminKey().toString());
        signer.setSignVersion(version);
        return signer;
    }

    private static HttpResponse<String> send(String method, String pathAndQuery, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(chef.url() + pathAndQuery))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void goiardiAcceptsOurSignaturesAndPartialSearchFindsTheEscapedInstanceId(String version) throws Exception {
        String body = ChefNodeNames.PARTIAL_SEARCH_BODY;
        String query = new ChefSearchQuery().build("i-0123456789abcdef0").getUrlEncoded();
        Map<String, String> headers = adminSigner(version).signedHeaders("POST", "/search/node",
                body.getBytes(StandardCharsets.UTF_8), Instant.now());

        HttpResponse<String> response = send("POST", "/search/node?q=" + query, body, headers);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new ChefNodeNames().fromSearchResponse(response.body())).containsExactly("web-1");
    }

    @Test
    void theTagsConventionFindsTheSameNode() throws Exception {
        ChefSearchQuery tags = new ChefSearchQuery();
        tags.setTemplate("tags:{instanceId}");
        String body = ChefNodeNames.PARTIAL_SEARCH_BODY;
        Map<String, String> headers = adminSigner("1.1").signedHeaders("POST", "/search/node",
                body.getBytes(StandardCharsets.UTF_8), Instant.now());

        HttpResponse<String> response = send("POST", "/search/node?q=" + tags.build("i-0123456789abcdef0").getUrlEncoded(), body, headers);

        assertThat(new ChefNodeNames().fromSearchResponse(response.body())).containsExactly("web-1");
    }

    @Test
    void aKeyThatIsNotTheClientsIsRefusedWith401() throws Exception {
        ChefRequestSigner wrong = new ChefRequestSigner();
        wrong.setClientName(Goiardi.ADMIN);
        wrong.setKey(ChefTestKeys.privateKey());

        HttpResponse<String> response = send("GET", "/nodes", "", wrong.signedHeaders("GET", "/nodes", new byte[0], Instant.now()));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    /**
     * Why goiardi once refused a v1.3 request signed by Chef's own Ruby library: mixlib-authentication (and the
     * Chef Server's chef_authn) put "X-Ops-Server-API-Version:0" in the v1.3 canonical string when the request
     * carries no such header; goiardi 0.11.10 puts the raw header value there, "" when absent. A mixlib-signed
     * v1.3 request without that header therefore fails goiardi's RSA check; with the header it passes. asger
     * always sends the header, so goiardi accepts asger's v1.3 signatures.
     */
    @Test
    void goiardiRefusesMixlibV13WithoutTheServerApiVersionHeaderAndAcceptsItWithIt() throws Exception {
        HttpResponse<String> without = send("GET", "/nodes", "", mixlibSign("1.3", Map.of()));
        Map<String, String> withVersion = new java.util.HashMap<>(mixlibSign("1.3", Map.of("X-Ops-Server-API-Version", "1")));
        withVersion.put("X-Ops-Server-API-Version", "1");
        HttpResponse<String> with = send("GET", "/nodes", "", withVersion);
        HttpResponse<String> v11 = send("GET", "/nodes", "", mixlibSign("1.1", Map.of()));

        assertThat(without.statusCode()).as(without.body()).isEqualTo(401);
        assertThat(without.body()).contains("verification error");
        assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
        assertThat(v11.statusCode()).as(v11.body()).isEqualTo(200);
    }

    private static Map<String, String> mixlibSign(String version, Map<String, String> signerHeaders) throws Exception {
        Map<String, Object> input = Map.of("method", "GET", "path", "/nodes", "body", "", "user", Goiardi.ADMIN,
                "key_file", chef.adminKey().toString(), "version", version, "headers", signerHeaders);
        Process p = new ProcessBuilder("ruby", ChefTestKeys.resource("mixlib-sign.rb").toString()).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(input));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return JSON.readValue(out, new TypeReference<Map<String, String>>() { });
    }
}
