package io.amphi.scoring.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.amphi.scoring.api.QuestionKey;

/** How answer keys are written in the event log: each key names its kind as the exam format does. */
public final class ScoringJson {

    private ScoringJson() {}

    public static Module module() {
        return new SimpleModule("amphi-scoring-api").setMixInAnnotation(QuestionKey.class, QuestionKeyJson.class);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = QuestionKey.SingleBestAnswer.class, name = "single-best-answer"),
        @JsonSubTypes.Type(value = QuestionKey.MultipleResponse.class, name = "multiple-response"),
        @JsonSubTypes.Type(value = QuestionKey.ShortText.class, name = "short-text"),
        @JsonSubTypes.Type(value = QuestionKey.KeyFeaturesCase.class, name = "key-features-case"),
        @JsonSubTypes.Type(value = QuestionKey.ScriptConcordance.class, name = "script-concordance"),
        @JsonSubTypes.Type(value = QuestionKey.Neutralised.class, name = "neutralised")
    })
    private interface QuestionKeyJson {}
}
