package io.asger.chef;

import io.asger.errors.PermanentFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Signs the Chef Server API request on the exchange with Chef's X-Ops authentication
 * (protocol versions 1.0, 1.1 and 1.3, as in Chef's mixlib-authentication).
 *
 * <p>Reads {@code CamelHttpMethod}, {@code CamelHttpUri} (the full request URL; its path, without the query
 * string, is what Chef verifies, so an organization prefix in asger.chef.url is signed too) and the body;
 * sets the X-Ops headers plus {@code X-Chef-Version} and {@code X-Ops-Server-API-Version}, and leaves the
 * body as the exact bytes that were hashed. The key is read on first use, so asger starts without one when
 * the chef task is not configured.
 */
public class ChefRequestSigner implements Processor {

    /** Chef Server API version (RFC 041) asger speaks; it is part of the v1.3 canonical request. */
    public static final String SERVER_API_VERSION = "1";
    /** The Chef client version asger presents itself as; servers use it only for compatibility checks. */
    public static final String CHEF_VERSION = "18.0.0";

    private static final int SIGNATURE_LINE_LENGTH = 60;

    private String clientName;
    private String keyFile;
    private String signVersion = "1.1";
    private Clock clock = Clock.systemUTC();
    private volatile RSAPrivateKey key;

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        // The route sets the method as camel-http's HttpMethods (converting text to it is slow in Camel); either is read.
        Object methodHeader = in.getHeader(Exchange.HTTP_METHOD);
        String method = methodHeader == null ? null : methodHeader.toString();
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        if (method == null || uri == null) {
            throw new IllegalStateException("ChefRequestSigner needs the CamelHttpMethod and CamelHttpUri headers");
        }
        byte[] body = bodyBytes(in);
        signedHeaders(method, URI.create(uri).getRawPath(), body, clock.instant()).forEach(in::setHeader);
        in.setBody(body.length == 0 ? null : body);
    }

    /**
     * The request body as bytes. The routes give none (a DELETE) or text (a search); those are read directly, as
     * Camel's type converter looks a converter up anew for a null or text body at every call.
     */
    private static byte[] bodyBytes(Message in) {
        Object body = in.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] converted = in.getBody(byte[].class);
        return converted == null ? new byte[0] : converted;
    }

    /** The headers for one request; {@code path} is the full request path without the query string. */
    public Map<String, String> signedHeaders(String method, String path, byte[] body, Instant time) {
        requireConfigured();
        String algorithm = "1.3".equals(signVersion) ? "sha256" : "sha1";
        String timestamp = time.truncatedTo(ChronoUnit.SECONDS).toString();
        String contentHash = hash(algorithm, body);

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("X-Chef-Version", CHEF_VERSION);
        headers.put("X-Ops-Server-API-Version", SERVER_API_VERSION);
        headers.put("X-Ops-Sign", "algorithm=" + algorithm + ";version=" + signVersion + ";");
        headers.put("X-Ops-Userid", clientName);
        headers.put("X-Ops-Timestamp", timestamp);
        headers.put("X-Ops-Content-Hash", contentHash);

        String canonical = canonicalRequest(method, path, contentHash, timestamp, algorithm);
        String signature = Base64.getEncoder().encodeToString(sign(canonical));
        for (int i = 0, line = 1; i < signature.length(); i += SIGNATURE_LINE_LENGTH, line++) {
            headers.put("X-Ops-Authorization-" + line,
                    signature.substring(i, Math.min(signature.length(), i + SIGNATURE_LINE_LENGTH)));
        }
        return headers;
    }

    /** The string Chef signs, exactly as mixlib-authentication's {@code canonicalize_request} builds it. */
    String canonicalRequest(String method, String path, String contentHash, String timestamp, String algorithm) {
        String canonicalPath = canonicalPath(path);
        if ("1.3".equals(signVersion)) {
            return "Method:" + method.toUpperCase() + "\n"
                    + "Path:" + canonicalPath + "\n"
                    + "X-Ops-Content-Hash:" + contentHash + "\n"
                    + "X-Ops-Sign:version=1.3\n"
                    + "X-Ops-Timestamp:" + timestamp + "\n"
                    + "X-Ops-UserId:" + clientName + "\n"
                    + "X-Ops-Server-API-Version:" + SERVER_API_VERSION;
        }
        // 1.1 hashes the user id so that the canonical string always fits in one RSA block.
        String userId = "1.1".equals(signVersion) ? hash(algorithm, clientName.getBytes(StandardCharsets.UTF_8)) : clientName;
        return "Method:" + method.toUpperCase() + "\n"
                + "Hashed Path:" + hash(algorithm, canonicalPath.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "X-Ops-Content-Hash:" + contentHash + "\n"
                + "X-Ops-Timestamp:" + timestamp + "\n"
                + "X-Ops-UserId:" + userId;
    }

    /** Chef collapses repeated slashes and drops a trailing slash (except for "/") before signing. */
    static String canonicalPath(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private byte[] sign(String canonical) {
        byte[] data = canonical.getBytes(StandardCharsets.UTF_8);
        try {
            if ("1.3".equals(signVersion)) {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initSign(key());
                signature.update(data);
                return signature.sign();
            }
            // 1.0 and 1.1 are OpenSSL's RSA_private_encrypt with PKCS#1 v1.5 (block type 1) padding of the
            // canonical string itself, no DigestInfo: the JDK does exactly that when encrypting with a private key.
            Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key());
            return cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new PermanentFailure("cannot sign Chef request as client '" + clientName + "': " + e.getMessage(), e);
        }
    }

    private static String hash(String algorithm, byte[] data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("sha256".equals(algorithm) ? "SHA-256" : "SHA-1");
            return Base64.getEncoder().encodeToString(digest.digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private RSAPrivateKey key() {
        RSAPrivateKey k = key;
        if (k == null) {
            try {
                k = ChefKeyLoader.load(Path.of(keyFile));
            } catch (RuntimeException e) {
                throw new PermanentFailure("cannot load the key of Chef client '" + clientName
                        + "' (asger.chef.key-file): " + e.getMessage(), e);
            }
            key = k;
        }
        return k;
    }

    private void requireConfigured() {
        if (clientName == null || clientName.isBlank()) {
            throw new PermanentFailure("asger.chef.client-name is not set: the chef task needs a Chef client to sign as");
        }
        if (key == null && (keyFile == null || keyFile.isBlank())) {
            throw new PermanentFailure("asger.chef.key-file is not set: the chef task needs the key of client '"
                    + clientName + "'");
        }
    }

    public void setClientName(String clientName) {
        this.clientName = clientName;
    }

    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile;
        this.key = null;
    }

    public void setSignVersion(String signVersion) {
        if (!"1.0".equals(signVersion) && !"1.1".equals(signVersion) && !"1.3".equals(signVersion)) {
            throw new IllegalArgumentException("asger.chef.sign-version must be 1.0, 1.1 or 1.3, not '" + signVersion + "'");
        }
        this.signVersion = signVersion;
    }

    public void setKey(RSAPrivateKey key) {
        this.key = key;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
