package io.asger.consul;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.asger.tls.PemTrust;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * TLS settings for calls to Consul: trust the CA certificates of a PEM bundle (Consul's {@code ca_file}), or,
 * with no bundle given, the JVM's default trust store.
 */
public final class ConsulTrust {

    private ConsulTrust() {
    }

    /** SSL context parameters trusting the PEM bundle at caFile; JVM defaults when caFile is blank. */
    public static SSLContextParameters sslContextParameters(String caFile) {
        if (caFile == null || caFile.isBlank()) {
            return new SSLContextParameters();
        }
        Path pemBundle = Path.of(caFile.trim());
        try {
            return PemTrust.trusting(PemTrust.load(pemBundle));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read asger.consul.ca-file " + pemBundle, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("asger.consul.ca-file " + pemBundle + " is not a PEM certificate bundle: "
                    + e.getMessage(), e);
        }
    }
}
