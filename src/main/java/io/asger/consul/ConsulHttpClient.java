package io.asger.consul;

import io.asger.errors.NoHttpClientRetries;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets up the HTTP client that calls Consul: the ACL token on every request, and (as every camel-http client of
 * asger, {@link NoHttpClientRetries}) no retries of its own.
 *
 * The token is added as {@code X-Consul-Token} inside the client rather than as a message header so that it
 * never sits on the exchange: Camel's error handler and tracers print message headers, and the token must never
 * be logged. It comes from {@code token}, else from {@code tokenFile} (read for every request, so a token that
 * an agent such as Vault rotates in place is picked up). No token: no header (Consul's anonymous token applies).
 */
public class ConsulHttpClient extends NoHttpClientRetries {

    public static final String TOKEN_HEADER = "X-Consul-Token";

    private String token = "";
    private String tokenFile = "";

    public void setToken(String token) {
        this.token = token == null ? "" : token.trim();
    }

    public void setTokenFile(String tokenFile) {
        this.tokenFile = tokenFile == null ? "" : tokenFile.trim();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        super.configureHttpClient(builder);
        builder.addRequestInterceptorFirst((request, entity, context) -> {
            String current = currentToken();
            if (!current.isEmpty()) {
                request.setHeader(TOKEN_HEADER, current);
            }
        });
    }

    /** The token to send now; empty when none is configured. */
    String currentToken() throws IOException {
        if (!token.isEmpty()) {
            return token;
        }
        if (tokenFile.isEmpty()) {
            return "";
        }
        try {
            return Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            // An I/O error, so transient: a file being rotated may be back soon. The message names the file only.
            throw new IOException("cannot read the Consul token file " + tokenFile + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
