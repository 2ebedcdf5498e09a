package io.asger.event;

import io.asger.errors.PermanentFailure;

/** A body asger cannot accept: names the field at fault and the SQS message id. */
public class InvalidMessageException extends PermanentFailure {
    private final String field;
    private final String messageId;

    public InvalidMessageException(String messageId, String field, String problem) {
        super("invalid message " + messageId + ": " + (field == null ? "" : "field '" + field + "' ") + problem);
        this.field = field;
        this.messageId = messageId;
    }

    public String getField() { return field; }
    public String getMessageId() { return messageId; }
}
