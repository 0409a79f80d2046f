package io.amphi.scoring.grpc;

import io.amphi.platform.domain.DomainException;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Answer keys from their wire form, refusing what cannot be a key with the question named. */
final class ProtoKeys {

    private ProtoKeys() {
    }

    static Map<String, QuestionKey> fromProto(List<io.amphi.proto.scoring.v1.QuestionKey> questions) {
        if (questions.isEmpty()) {
            throw DomainException.invalid("EMPTY_KEY", "The key has no questions.");
        }
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        for (io.amphi.proto.scoring.v1.QuestionKey question : questions) {
            if (question.getQuestionId().isBlank()) {
                throw DomainException.invalid("MISSING_QUESTION_ID", "Every question key names its question_id.");
            }
            if (key.put(question.getQuestionId(), fromProto(question)) != null) {
                throw DomainException.invalidAnswer(question.getQuestionId(),
                        "Question " + question.getQuestionId() + " is keyed twice.");
            }
        }
        return key;
    }

    private static QuestionKey fromProto(io.amphi.proto.scoring.v1.QuestionKey question) {
        String id = question.getQuestionId();
        QuestionKey key = switch (question.getKindCase()) {
            case SINGLE_BEST_ANSWER -> new QuestionKey.SingleBestAnswer(question.getSingleBestAnswer().getCorrectOptionId());
            case MULTIPLE_RESPONSE -> new QuestionKey.MultipleResponse(
                    new HashSet<>(question.getMultipleResponse().getCorrectOptionIdsList()),
                    new HashSet<>(question.getMultipleResponse().getIndispensableOptionIdsList()),
                    new HashSet<>(question.getMultipleResponse().getUnacceptableOptionIdsList()));
            case SHORT_TEXT -> new QuestionKey.ShortText(question.getShortText().getAcceptedAnswersList());
            case SCRIPT_CONCORDANCE -> new QuestionKey.ScriptConcordance(question.getScriptConcordance().getPanelVotesMap());
            case KEY_FEATURES_CASE -> new QuestionKey.KeyFeaturesCase(question.getKeyFeaturesCase().getPartsList().stream()
                    .map(part -> part(id, part)).toList());
            case KIND_NOT_SET -> throw DomainException.invalidAnswer(id, "Question " + id + " has a key of no kind.");
        };
        return question.getNeutralisedReason().isBlank() ? key : new QuestionKey.Neutralised(key, question.getNeutralisedReason());
    }

    private static QuestionKey.KeyFeaturesCase.Part part(String caseId, KeyFeaturesCaseKey.Part part) {
        BigDecimal weight;
        try {
            weight = new BigDecimal(part.getWeight());
        } catch (NumberFormatException e) {
            throw DomainException.invalidAnswer(caseId, "The weight of %s in case %s is '%s', not a decimal number."
                    .formatted(part.getKey().getQuestionId(), caseId, part.getWeight()));
        }
        return new QuestionKey.KeyFeaturesCase.Part(part.getKey().getQuestionId(), weight, fromProto(part.getKey()));
    }
}
