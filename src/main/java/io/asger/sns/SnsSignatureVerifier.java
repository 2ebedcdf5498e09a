package io.asger.sns;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.PermanentFailure;

/**
 * Checks who wrote an SNS envelope before asger believes it (asger.sns.verify-signatures): the signature over SNS's
 * string to sign ({@link SnsStringToSign}), SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA), made with a
 * certificate from {@link SigningCertificates}; and, when asger.sns.topic-arns is set, that the topic is listed.
 * A body that is not an SNS envelope (raw message delivery, a lifecycle hook message sent straight to SQS,
 * EventBridge) carries no signature and passes: the instance-state check protects those. A body that is not JSON
 * passes too, for the normalizer to refuse with its own, precise, reason.
 */
public final class SnsSignatureVerifier {

    private final SigningCertificates certificates;
    private final Set<String> topicArns;
    private final ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** A verifier that lets everything pass: asger.sns.verify-signatures=false, or local mode. */
    public static SnsSignatureVerifier off() {
        return new SnsSignatureVerifier(null, Set.of());
    }

    public boolean isOn() {
        return certificates != null;
    }

    /** @param topicArns asger.sns.topic-arns; empty: every topic */
    public SnsSignatureVerifier(SigningCertificates certificates, Set<String> topicArns) {
        this.certificates = certificates;
        this.topicArns = Set.copyOf(topicArns);
    }

    /**
     * @param body      the SQS message body
     * @param messageId the SQS message id, named in every refusal
     * @throws PermanentFailure the envelope is unsigned, forged, tampered with, or from a topic not listed
     * @throws io.asger.errors.TransientFailure its certificate could not be fetched
     */
    public void verify(String body, String messageId) {
        if (certificates == null) {
            return;
        }
        JsonNode envelope;
        try {
            envelope = body == null ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return;
        }
        if (envelope == null || !envelope.isObject() || !looksLikeSnsEnvelope(envelope)) {
            return;
        }
        String what = "message " + messageId;
        String version = text(envelope, "SignatureVersion");
        String signature = text(envelope, "Signature");
        if (signature == null || signature.isEmpty()) {
            throw new PermanentFailure(what + ": the SNS envelope is unsigned (no Signature)");
        }
        String algorithm = switch (version == null ? "" : version) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new PermanentFailure(what + ": SNS SignatureVersion "
                    + (version == null ? "is missing" : "'" + version + "' is not 1 or 2"));
        };
        String stringToSign = SnsStringToSign.of(envelope, what);
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure(what + ": the SNS Signature is not base64");
        }
        X509Certificate certificate = certificates.certificate(text(envelope, "SigningCertURL"), what);
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            valid = verifier.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new PermanentFailure(what + ": the SNS signature does not match the message (SignatureVersion "
                    + version + ", certificate " + certificate.getSubjectX500Principal().getName()
                    + "): forged or altered");
        }
        String topic = text(envelope, "TopicArn");
        if (!topicArns.isEmpty() && !topicArns.contains(topic)) {
            throw new PermanentFailure(what + ": topic " + topic + " is not in asger.sns.topic-arns");
        }
    }

    /**
     * Wider than the normalizer's test for an envelope (Type and TopicArn or Message), so that nothing the
     * normalizer reads as an envelope escapes the check: any object with a Type or a signature field.
     */
    static boolean looksLikeSnsEnvelope(JsonNode node) {
        return node.has("Type") || node.has("Signature") || node.has("SignatureVersion") || node.has("SigningCertURL");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
