package io.asger.chef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import io.asger.tls.PemTrust;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The TLS settings for calls to the Chef Server: the JVM's default trust (verification always on) unless
 * asger.chef.trust-store names a JKS or PKCS12 trust store, or a PEM bundle of CA certificates, for a
 * Chef Server whose certificate comes from a private CA.
 */
public final class ChefTrustStore {

    private ChefTrustStore() {
    }

    public static SSLContextParameters sslContextParameters(String trustStore, String password) {
        if (trustStore == null || trustStore.isBlank()) {
            return new SSLContextParameters();
        }
        try {
            return PemTrust.trusting(load(Path.of(trustStore), password));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read asger.chef.trust-store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        byte[] content = Files.readAllBytes(file);
        if (new String(content, 0, Math.min(content.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            return PemTrust.load(file);
        }
        // KeyStore.getInstance(File, ...) recognises both JKS and PKCS12 from the content.
        return KeyStore.getInstance(file.toFile(), password == null || password.isEmpty() ? null : password.toCharArray());
    }
}
