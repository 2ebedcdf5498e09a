package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-checks the signer against Chef's own implementation: Ruby's mixlib-authentication verifier must
 * accept the requests asger signs (and reject them once altered, so this test can fail).
 */
class ChefRequestSignerMixlibTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"name\":[\"name\"]}";

    @BeforeAll
    static void requireRubyAndMixlib() throws Exception {
        Process p = new ProcessBuilder("ruby", "-e", "require 'openssl'; require 'mixlib/authentication/signatureverification'")
                .redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("ruby with ruby-mixlib-authentication is needed for this test; "
                    + "run scripts/install-test-peers.sh (packages ruby, ruby-mixlib-authentication): " + out);
        }
    }

    private static ChefRequestSigner signer(String version) {
        ChefRequestSigner signer = new ChefRequestSigner();
        signer.setClientName("asger-cleanup");
        signer.setKey(ChefTestKeys.privateKey());
        signer.setSignVersion(version);
        return signer;
    }

    private static String verify(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", method);
        request.put("path", path);
        request.put("body_base64", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        request.put("headers", headers);
        request.put("public_key", ChefTestKeys.publicKeyPem());
        Path script = ChefTestKeys.resource("mixlib-verify.rb");
        Process p = new ProcessBuilder("ruby", script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(request));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return (p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": ") + out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void mixlibVerifiesASearchPostUnderAnOrganization(String version) throws Exception {
        String path = "/organizations/acme/search/node";
        Map<String, String> headers = signer(version).signedHeaders("POST", path,
                BODY.getBytes(StandardCharsets.UTF_8), Instant.now());

        assertThat(verify("POST", path, BODY, headers)).isEqualTo("verified asger-cleanup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void mixlibVerifiesABodilessDelete(String version) throws Exception {
        Map<String, String> headers = signer(version).signedHeaders("DELETE", "/clients/web-1", new byte[0], Instant.now());

        assertThat(verify("DELETE", "/clients/web-1", "", headers)).isEqualTo("verified asger-cleanup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void mixlibRejectsTheSignatureForAnotherPathOrBody(String version) throws Exception {
        Map<String, String> headers = signer(version).signedHeaders("DELETE", "/nodes/web-1", new byte[0], Instant.now());

        assertThat(verify("DELETE", "/nodes/web-2", "", headers)).startsWith("exit 1: rejected");
        assertThat(verify("DELETE", "/nodes/web-1", "x", headers)).startsWith("exit 1: rejected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.3"})
    void mixlibRejectsAStaleTimestamp(String version) throws Exception {
        Map<String, String> headers = signer(version).signedHeaders("GET", "/nodes", new byte[0],
                Instant.now().minusSeconds(3600));

        assertThat(verify("GET", "/nodes", "", headers)).startsWith("exit 1: rejected");
    }
}
