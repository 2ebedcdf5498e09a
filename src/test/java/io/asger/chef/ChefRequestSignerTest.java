package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.errors.PermanentFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ChefRequestSignerTest {

    private static final Instant TIME = Instant.parse("2026-11-25T12:34:56.789Z");
    private static final String BODY = "{\"name\":[\"name\"]}";
    private static final RSAPublicKey PUBLIC = ChefKeyLoader.publicKeyOf(ChefTestKeys.privateKey());

    private static ChefRequestSigner signer(String version) {
        ChefRequestSigner signer = new ChefRequestSigner();
        signer.setClientName("asger");
        signer.setKey(ChefTestKeys.privateKey());
        signer.setSignVersion(version);
        return signer;
    }

    private static String b64(String algorithm, String s) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] signature(Map<String, String> headers) {
        String joined = headers.entrySet().stream()
                .filter(e -> e.getKey().startsWith("X-Ops-Authorization-"))
                .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(
                        Integer.parseInt(a.substring(20)), Integer.parseInt(b.substring(20)))))
                .map(Map.Entry::getValue).collect(Collectors.joining());
        return Base64.getDecoder().decode(joined);
    }

    private static String decrypt(byte[] signature) throws Exception {
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.DECRYPT_MODE, PUBLIC);
        return new String(cipher.doFinal(signature), StandardCharsets.UTF_8);
    }

    @Test
    void version11SignsTheHashedPathAndHashedUserIdWithRsaPrivateEncrypt() throws Exception {
        Map<String, String> h = signer("1.1").signedHeaders("post", "/organizations/acme/search/node",
                BODY.getBytes(StandardCharsets.UTF_8), TIME);

        assertThat(h).containsEntry("X-Ops-Sign", "algorithm=sha1;version=1.1;")
                .containsEntry("X-Ops-Userid", "asger")
                .containsEntry("X-Ops-Timestamp", "2026-11-25T12:34:56Z")
                .containsEntry("X-Ops-Content-Hash", b64("SHA-1", BODY))
                .containsEntry("X-Ops-Server-API-Version", "1")
                .containsKey("X-Chef-Version");
        assertThat(decrypt(signature(h))).isEqualTo(
                "Method:POST\n"
                        + "Hashed Path:" + b64("SHA-1", "/organizations/acme/search/node") + "\n"
                        + "X-Ops-Content-Hash:" + b64("SHA-1", BODY) + "\n"
                        + "X-Ops-Timestamp:2026-11-25T12:34:56Z\n"
                        + "X-Ops-UserId:" + b64("SHA-1", "asger"));
    }

    @Test
    void version10KeepsTheUserIdInClear() throws Exception {
        Map<String, String> h = signer("1.0").signedHeaders("DELETE", "/nodes/web-1", new byte[0], TIME);

        assertThat(h).containsEntry("X-Ops-Sign", "algorithm=sha1;version=1.0;")
                .containsEntry("X-Ops-Content-Hash", "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
        assertThat(decrypt(signature(h))).isEqualTo(
                "Method:DELETE\n"
                        + "Hashed Path:" + b64("SHA-1", "/nodes/web-1") + "\n"
                        + "X-Ops-Content-Hash:2jmj7l5rSw0yVb/vlWAYkK/YBwk=\n"
                        + "X-Ops-Timestamp:2026-11-25T12:34:56Z\n"
                        + "X-Ops-UserId:asger");
    }

    @Test
    void version13SignsSha256OfTheClearPathAndTheServerApiVersion() throws Exception {
        Map<String, String> h = signer("1.3").signedHeaders("POST", "/search/node",
                BODY.getBytes(StandardCharsets.UTF_8), TIME);

        assertThat(h).containsEntry("X-Ops-Sign", "algorithm=sha256;version=1.3;")
                .containsEntry("X-Ops-Content-Hash", b64("SHA-256", BODY));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(PUBLIC);
        verifier.update(("Method:POST\n"
                + "Path:/search/node\n"
                + "X-Ops-Content-Hash:" + b64("SHA-256", BODY) + "\n"
                + "X-Ops-Sign:version=1.3\n"
                + "X-Ops-Timestamp:2026-11-25T12:34:56Z\n"
                + "X-Ops-UserId:asger\n"
                + "X-Ops-Server-API-Version:1").getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(signature(h))).isTrue();
    }

    @Test
    void splitsTheSignatureIntoNumberedLinesOfSixtyCharacters() {
        Map<String, String> h = signer("1.1").signedHeaders("GET", "/nodes", new byte[0], TIME);

        // a 2048-bit key gives 256 bytes, 344 base64 characters: five full lines and one of 44
        assertThat(h).containsKeys("X-Ops-Authorization-1", "X-Ops-Authorization-6")
                .doesNotContainKey("X-Ops-Authorization-7").doesNotContainKey("X-Ops-Authorization-0");
        assertThat(h.get("X-Ops-Authorization-1")).hasSize(60);
        assertThat(h.get("X-Ops-Authorization-5")).hasSize(60);
        assertThat(h.get("X-Ops-Authorization-6")).hasSize(44);
    }

    @Test
    void canonicalPathCollapsesSlashesAndDropsATrailingOne() {
        assertThat(ChefRequestSigner.canonicalPath("//organizations//acme/nodes/")).isEqualTo("/organizations/acme/nodes");
        assertThat(ChefRequestSigner.canonicalPath("/")).isEqualTo("/");
    }

    @Test
    void processorSignsTheFullPathOfCamelHttpUriWithoutItsQueryAndKeepsTheBodyBytes() throws Exception {
        ChefRequestSigner signer = signer("1.1");
        signer.setClock(Clock.fixed(TIME, ZoneOffset.UTC));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getIn().setHeader(Exchange.HTTP_URI, "https://chef.example.com/organizations/acme/search/node?q=a%3Ab");
        exchange.getIn().setBody(BODY);

        signer.process(exchange);

        Map<String, String> expected = signer.signedHeaders("POST", "/organizations/acme/search/node",
                BODY.getBytes(StandardCharsets.UTF_8), TIME);
        expected.forEach((name, value) -> assertThat(exchange.getIn().getHeader(name)).as(name).isEqualTo(value));
        assertThat(exchange.getIn().getBody(String.class)).isEqualTo(BODY);
    }

    @Test
    void processorReadsTheMethodAsCamelHttpsEnumAndEveryBodyAsItsBytes() throws Exception {
        ChefRequestSigner signer = signer("1.1");
        signer.setClock(Clock.fixed(TIME, ZoneOffset.UTC));
        DefaultCamelContext camel = new DefaultCamelContext();
        Exchange delete = new DefaultExchange(camel);
        delete.getIn().setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.DELETE);
        delete.getIn().setHeader(Exchange.HTTP_URI, "https://chef.example.com/organizations/acme/nodes/web-1");

        signer.process(delete);

        assertThat(delete.getIn().getHeader("X-Ops-Content-Hash")).isEqualTo(b64("SHA-1", ""));
        Map<String, String> sent = delete.getIn().getHeaders().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        assertThat(decrypt(signature(sent))).startsWith("Method:DELETE\n");
        assertThat(delete.getIn().getBody()).isNull();

        for (Object body : new Object[] {BODY.getBytes(StandardCharsets.UTF_8), new java.io.ByteArrayInputStream(
                BODY.getBytes(StandardCharsets.UTF_8))}) {
            Exchange post = new DefaultExchange(camel);
            post.getIn().setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.POST);
            post.getIn().setHeader(Exchange.HTTP_URI, "https://chef.example.com/organizations/acme/search/node");
            post.getIn().setBody(body);
            signer.process(post);
            assertThat(post.getIn().getHeader("X-Ops-Content-Hash")).as(body.getClass().getSimpleName())
                    .isEqualTo(b64("SHA-1", BODY));
            assertThat(post.getIn().getBody(String.class)).isEqualTo(BODY);
        }
    }

    @Test
    void refusesUnknownVersionsAndMissingSettings() {
        assertThatThrownBy(() -> new ChefRequestSigner().setSignVersion("1.2"))
                .hasMessageContaining("asger.chef.sign-version");
        ChefRequestSigner noKey = new ChefRequestSigner();
        noKey.setClientName("asger");
        assertThatThrownBy(() -> noKey.signedHeaders("GET", "/nodes", new byte[0], TIME))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("asger.chef.key-file");
        ChefRequestSigner badKey = new ChefRequestSigner();
        badKey.setClientName("asger");
        badKey.setKeyFile("/nonexistent/asger.pem");
        assertThatThrownBy(() -> badKey.signedHeaders("GET", "/nodes", new byte[0], TIME))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("'asger'").hasMessageContaining("/nonexistent/asger.pem");
    }
}
