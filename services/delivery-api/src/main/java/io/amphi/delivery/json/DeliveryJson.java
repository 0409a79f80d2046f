package io.amphi.delivery.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.amphi.delivery.api.Answer;

/**
 * How the session's messages are written in the event log (kept apart from the messages, which
 * know no JSON library): answers carry their variant as
 * {@code "type"} (choices, text, likert, cleared). Every reader of the log registers this module.
 */
public final class DeliveryJson {

    private DeliveryJson() {}

    public static Module module() {
        return new SimpleModule("amphi-delivery-api").setMixInAnnotation(Answer.class, AnswerJson.class);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Answer.Choices.class, name = "choices"),
        @JsonSubTypes.Type(value = Answer.Text.class, name = "text"),
        @JsonSubTypes.Type(value = Answer.Likert.class, name = "likert"),
        @JsonSubTypes.Type(value = Answer.Cleared.class, name = "cleared")
    })
    private interface AnswerJson {}
}
