package io.asger.consul;

import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * TLS settings for calls to Consul: trust the CA certificates of a PEM bundle (Consul's {@code ca_file}), or,
 * with no bundle given, the JVM's default trust store.
 */
public final class ConsulTrust {

    private ConsulTrust() {
    }

    /** SSL context parameters trusting the PEM bundle at caFile; JVM defaults when caFile is blank. */
    public static SSLContextParameters sslContextParameters(String caFile) {
        SSLContextParameters parameters = new SSLContextParameters();
        if (caFile == null || caFile.isBlank()) {
            return parameters;
        }
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(trustManagerFor(Path.of(caFile.trim())));
        parameters.setTrustManagers(trust);
        return parameters;
    }

    static TrustManager trustManagerFor(Path pemBundle) {
        try (InputStream in = Files.newInputStream(pemBundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("asger.consul.ca-file " + pemBundle + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("consul-ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers()[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read asger.consul.ca-file " + pemBundle, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("asger.consul.ca-file " + pemBundle + " is not a PEM certificate bundle", e);
        }
    }
}
