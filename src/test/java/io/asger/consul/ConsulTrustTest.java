package io.asger.consul;

import io.asger.peers.FakeConsul;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsulTrustTest {

    @Test
    void noBundleMeansTheJvmDefaults() {
        SSLContextParameters parameters = ConsulTrust.sslContextParameters("");
        assertThat(parameters.getTrustManagers()).isNull();
    }

    @Test
    void trustsTheCaOfTheBundleAndOnlyThat() throws Exception {
        try (FakeConsul consul = FakeConsul.startTls(); DefaultCamelContext camel = new DefaultCamelContext()) {
            SSLContext trusting = ConsulTrust.sslContextParameters(consul.caFile().toString()).createSSLContext(camel);
            assertThat(get(consul.url() + "/v1/catalog/nodes", trusting)).isEqualTo(200);

            SSLContext jvmDefault = ConsulTrust.sslContextParameters("").createSSLContext(camel);
            assertThatThrownBy(() -> get(consul.url() + "/v1/catalog/nodes", jvmDefault)).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aFileWithoutCertificatesIsRefused(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> ConsulTrust.sslContextParameters(notPem.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("asger.consul.ca-file");
    }

    private static int get(String url, SSLContext context) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        connection.setSSLSocketFactory(context.getSocketFactory());
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }
}
