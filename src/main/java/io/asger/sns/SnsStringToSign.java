package io.asger.sns;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.asger.errors.PermanentFailure;

/**
 * The text SNS signs, as AWS documents it: for a Notification the fields Message, MessageId, Subject (only when
 * present), Timestamp, TopicArn, Type; for a SubscriptionConfirmation or UnsubscribeConfirmation Message, MessageId,
 * SubscribeURL, Timestamp, Token, TopicArn, Type. Each field is written {@code Name\nValue\n}, in that fixed order,
 * and nothing else is included: SigningCertURL and UnsubscribeURL are not signed.
 */
final class SnsStringToSign {

    static final List<String> NOTIFICATION = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    static final List<String> CONFIRMATION = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
            "TopicArn", "Type");

    private SnsStringToSign() {
    }

    /** @param what names the message in a refusal, e.g. "SNS message 7c9e... (SQS message abc)" */
    static String of(JsonNode envelope, String what) {
        String type = textOrNull(envelope, "Type", what);
        List<String> fields = switch (type == null ? "" : type) {
            case "Notification" -> NOTIFICATION;
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> CONFIRMATION;
            default -> throw new PermanentFailure(what + ": SNS Type " + (type == null ? "is missing" : "'" + type + "'")
                    + " is none of Notification, SubscriptionConfirmation, UnsubscribeConfirmation; cannot check its signature");
        };
        StringBuilder s = new StringBuilder();
        for (String field : fields) {
            String value = textOrNull(envelope, field, what);
            if (value == null) {
                if (field.equals("Subject")) {
                    continue;
                }
                throw new PermanentFailure(what + ": the signed field '" + field + "' is missing from the SNS " + type);
            }
            s.append(field).append('\n').append(value).append('\n');
        }
        return s.toString();
    }

    private static String textOrNull(JsonNode envelope, String field, String what) {
        JsonNode value = envelope.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PermanentFailure(what + ": the SNS field '" + field + "' is a " + value.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT) + ", not a string");
        }
        return value.asText();
    }
}
