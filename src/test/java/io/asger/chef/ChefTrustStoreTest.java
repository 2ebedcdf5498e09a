package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChefTrustStoreTest {

    @Test
    void noTrustStoreMeansTheJvmDefaultTrust() {
        SSLContextParameters params = ChefTrustStore.sslContextParameters("", "");

        assertThat(params.getTrustManagers()).isNull();
    }

    @Test
    void aPemBundleTrustsEveryCertificateInIt() throws Exception {
        KeyStore store = ChefTrustStore.load(ChefTestKeys.resource("test-ca-bundle.pem"), null);

        assertThat(Collections.list(store.aliases())).hasSize(2);
        assertThat(ChefTrustStore.sslContextParameters(ChefTestKeys.resource("test-ca-bundle.pem").toString(), "")
                .getTrustManagers().getTrustManager()).isNotNull();
    }

    @Test
    void aFileThatIsNoTrustStoreIsRefusedNamingTheSetting(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("ca.txt"), "not a certificate");

        assertThatThrownBy(() -> ChefTrustStore.sslContextParameters(junk.toString(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("asger.chef.trust-store");
        assertThatThrownBy(() -> ChefTrustStore.sslContextParameters(dir.resolve("missing.p12").toString(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p12");
    }
}
