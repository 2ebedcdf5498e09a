package io.asger.sns;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The caIssuers URLs of a certificate's Authority Information Access extension (RFC 5280 4.2.2.1): where its
 * issuer's certificate is published. SNS serves only the leaf of its signing certificate, so this is how the
 * Amazon intermediate is found. A small DER reader, because the JDK has no public API for this extension.
 */
final class CaIssuers {

    /** id-pe-authorityInfoAccess */
    static final String AIA_OID = "1.3.6.1.5.5.7.1.1";
    /** id-ad-caIssuers, DER-encoded (06 08 2B 06 01 05 05 07 30 02) without the tag and length */
    private static final byte[] CA_ISSUERS = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};

    private CaIssuers() {
    }

    /** The caIssuers URIs, in the certificate's order; empty when there is no such extension or it is malformed. */
    static List<String> of(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(AIA_OID);
        if (extension == null) {
            return List.of();
        }
        try {
            // The extension value is an OCTET STRING holding SEQUENCE OF AccessDescription.
            Der octets = Der.read(extension, 0);
            Der descriptions = Der.read(extension, octets.contentStart);
            List<String> urls = new ArrayList<>();
            int at = descriptions.contentStart;
            while (at < descriptions.end) {
                Der description = Der.read(extension, at);
                Der method = Der.read(extension, description.contentStart);
                Der location = Der.read(extension, method.end);
                // GeneralName uniformResourceIdentifier is [6] IMPLICIT IA5String: tag 0x86.
                if (method.tag == 0x06 && Arrays.equals(Arrays.copyOfRange(extension, method.contentStart, method.end),
                        CA_ISSUERS) && (location.tag & 0xff) == 0x86) {
                    urls.add(new String(extension, location.contentStart, location.end - location.contentStart,
                            StandardCharsets.US_ASCII));
                }
                at = description.end;
            }
            return urls;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return List.of();
        }
    }

    /** One DER tag-length-value: where its content starts and where it ends. */
    private record Der(int tag, int contentStart, int end) {
        static Der read(byte[] b, int at) {
            int tag = b[at] & 0xff;
            int len = b[at + 1] & 0xff;
            int start = at + 2;
            if (len > 0x80) {
                int n = len & 0x7f;
                if (n > 3) {
                    throw new IllegalArgumentException("DER length too long");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[start + i] & 0xff);
                }
                start += n;
            } else if (len == 0x80) {
                throw new IllegalArgumentException("indefinite length is not DER");
            }
            if (start + len > b.length) {
                throw new IllegalArgumentException("DER value runs past the end");
            }
            return new Der(tag, start, start + len);
        }
    }
}
