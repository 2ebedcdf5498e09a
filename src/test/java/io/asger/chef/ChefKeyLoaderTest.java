package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ChefKeyLoaderTest {

    @Test
    void readsPkcs1AndPkcs8FormsOfTheSameKey() {
        RSAPrivateKey pkcs1 = ChefKeyLoader.load(ChefTestKeys.resource("test-client-pkcs1.pem"));
        RSAPrivateKey pkcs8 = ChefKeyLoader.load(ChefTestKeys.resource("test-client-pkcs8.pem"));

        assertThat(pkcs1.getModulus()).isEqualTo(pkcs8.getModulus());
        assertThat(pkcs1.getPrivateExponent()).isEqualTo(pkcs8.getPrivateExponent());
        assertThat(((RSAPrivateCrtKey) pkcs1).getPrimeP()).isEqualTo(((RSAPrivateCrtKey) pkcs8).getPrimeP());
    }

    @Test
    void derivesThePublicKeyOpensslDerives() throws Exception {
        String pem = Files.readString(ChefTestKeys.resource("test-client-public.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PublicKey expected = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));

        assertThat(ChefKeyLoader.publicKeyOf(ChefTestKeys.privateKey())).isEqualTo(expected);
    }

    @Test
    void refusesWhatIsNotAnUnencryptedRsaPrivateKey() throws Exception {
        assertThatThrownBy(() -> ChefKeyLoader.parse("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM block");
        assertThatThrownBy(() -> ChefKeyLoader.parse(Files.readString(ChefTestKeys.resource("test-client-public.pem"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PUBLIC KEY");
        assertThatThrownBy(() -> ChefKeyLoader.parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> ChefKeyLoader.parse("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a readable RSA private key");
    }

    @Test
    void namesTheFileWhenItCannotBeRead() {
        assertThatThrownBy(() -> ChefKeyLoader.load(java.nio.file.Path.of("/nonexistent/client.pem")))
                .hasMessageContaining("/nonexistent/client.pem");
    }
}
