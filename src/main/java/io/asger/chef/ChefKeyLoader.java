package io.asger.chef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Chef client key: an RSA private key in PEM, either PKCS#1 ("BEGIN RSA PRIVATE KEY", what
 * Chef Server and knife write) or PKCS#8 ("BEGIN PRIVATE KEY"). PKCS#1 is wrapped into PKCS#8 DER by
 * hand so the JDK can read it without BouncyCastle.
 */
public final class ChefKeyLoader {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

    /** AlgorithmIdentifier for rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private ChefKeyLoader() {
    }

    public static RSAPrivateKey load(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Chef key file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Chef key file " + file + ": " + e.getMessage(), e);
        }
    }

    public static RSAPrivateKey parse(String pem) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("no PEM block found (expected BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)");
        }
        String type = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM block is not valid base64");
        }
        byte[] pkcs8 = switch (type) {
            case "RSA PRIVATE KEY" -> {
                if (m.group(2).contains("Proc-Type:")) {
                    throw new IllegalArgumentException("encrypted PEM keys are not supported; Chef client keys are unencrypted");
                }
                yield wrapPkcs1(der);
            }
            case "PRIVATE KEY" -> der;
            case "ENCRYPTED PRIVATE KEY" ->
                throw new IllegalArgumentException("encrypted PKCS#8 keys are not supported; Chef client keys are unencrypted");
            default -> throw new IllegalArgumentException("unsupported PEM type '" + type + "', expected an RSA private key");
        };
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a readable RSA private key: " + e.getMessage());
        }
    }

    /** The public half, for verification in tests and for key checks. */
    public static RSAPublicKey publicKeyOf(RSAPrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("key carries no public exponent");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = tlv(0x04, pkcs1);
        byte[] content = new byte[version.length + RSA_ALGORITHM_ID.length + octets.length];
        System.arraycopy(version, 0, content, 0, version.length);
        System.arraycopy(RSA_ALGORITHM_ID, 0, content, version.length, RSA_ALGORITHM_ID.length);
        System.arraycopy(octets, 0, content, version.length + RSA_ALGORITHM_ID.length, octets.length);
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int len = value.length;
        byte[] lenBytes;
        if (len < 0x80) {
            lenBytes = new byte[] {(byte) len};
        } else if (len <= 0xff) {
            lenBytes = new byte[] {(byte) 0x81, (byte) len};
        } else if (len <= 0xffff) {
            lenBytes = new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
        } else {
            lenBytes = new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
        }
        byte[] out = new byte[1 + lenBytes.length + len];
        out[0] = (byte) tag;
        System.arraycopy(lenBytes, 0, out, 1, lenBytes.length);
        System.arraycopy(value, 0, out, 1 + lenBytes.length, len);
        return out;
    }
}
