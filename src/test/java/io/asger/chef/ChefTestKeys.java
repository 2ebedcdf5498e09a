package io.asger.chef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;

/** The test client key pair in src/test/resources/chef (generated with openssl for the tests only). */
final class ChefTestKeys {

    private ChefTestKeys() {
    }

    static Path resource(String name) {
        try {
            return Path.of(ChefTestKeys.class.getResource("/chef/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAPrivateKey privateKey() {
        return ChefKeyLoader.load(resource("test-client-pkcs1.pem"));
    }

    static String publicKeyPem() {
        try {
            return java.nio.file.Files.readString(resource("test-client-public.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
