package io.asger.chef;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The TLS settings for calls to the Chef Server: the JVM's default trust (verification always on) unless
 * asger.chef.trust-store names a JKS or PKCS12 trust store, or a PEM bundle of CA certificates, for a
 * Chef Server whose certificate comes from a private CA.
 */
public final class ChefTrustStore {

    private ChefTrustStore() {
    }

    public static SSLContextParameters sslContextParameters(String trustStore, String password) {
        SSLContextParameters params = new SSLContextParameters();
        if (trustStore == null || trustStore.isBlank()) {
            return params;
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(Path.of(trustStore), password));
            TrustManager[] managers = tmf.getTrustManagers();
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setTrustManager(managers[0]);
            params.setTrustManagers(trust);
            return params;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read asger.chef.trust-store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        byte[] content = Files.readAllBytes(file);
        if (new String(content, 0, Math.min(content.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(file)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in PEM bundle");
            }
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            return store;
        }
        // KeyStore.getInstance(File, ...) recognises both JKS and PKCS12 from the content.
        return KeyStore.getInstance(file.toFile(), password == null || password.isEmpty() ? null : password.toCharArray());
    }
}
