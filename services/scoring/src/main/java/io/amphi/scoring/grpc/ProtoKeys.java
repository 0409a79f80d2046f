package io.amphi.scoring.grpc;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Answer keys from their wire form, refusing what cannot be a key with the question named. */
final class ProtoKeys {

    private ProtoKeys() {}

    /** More questions than any exam has; an exam paper of the EDN has about 120. */
    static final int MAX_QUESTIONS = 2_000;
    /** More options, accepted answers or case parts than any question has. */
    static final int MAX_ENTRIES = 100;
    /** The longest accepted short answer. */
    static final int MAX_TEXT = 1_000;
    /** A weight as people write one: no exponent, at most six digits on either side of the point. */
    private static final Pattern WEIGHT = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6})?");

    static Map<String, QuestionKey> fromProto(List<io.amphi.proto.scoring.v1.QuestionKey> questions) {
        if (questions.isEmpty()) {
            throw DomainException.invalid("EMPTY_KEY", "The key has no questions.");
        }
        Inputs.count(questions.size(), "questions", MAX_QUESTIONS);
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        for (io.amphi.proto.scoring.v1.QuestionKey question : questions) {
            Inputs.id(question.getQuestionId(), "question_id");
            if (key.put(question.getQuestionId(), fromProto(question)) != null) {
                throw DomainException.invalidAnswer(
                        question.getQuestionId(), "Question " + question.getQuestionId() + " is keyed twice.");
            }
        }
        return key;
    }

    private static QuestionKey fromProto(io.amphi.proto.scoring.v1.QuestionKey question) {
        String id = question.getQuestionId();
        bounded(question);
        QuestionKey key = switch (question.getKindCase()) {
            case SINGLE_BEST_ANSWER ->
                new QuestionKey.SingleBestAnswer(question.getSingleBestAnswer().getCorrectOptionId());
            case MULTIPLE_RESPONSE ->
                new QuestionKey.MultipleResponse(
                        new HashSet<>(question.getMultipleResponse().getCorrectOptionIdsList()),
                        new HashSet<>(question.getMultipleResponse().getIndispensableOptionIdsList()),
                        new HashSet<>(question.getMultipleResponse().getUnacceptableOptionIdsList()));
            case SHORT_TEXT -> new QuestionKey.ShortText(question.getShortText().getAcceptedAnswersList());
            case SCRIPT_CONCORDANCE ->
                new QuestionKey.ScriptConcordance(
                        question.getScriptConcordance().getPanelVotesMap());
            case KEY_FEATURES_CASE ->
                new QuestionKey.KeyFeaturesCase(question.getKeyFeaturesCase().getPartsList().stream()
                        .map(part -> part(id, part))
                        .toList());
            case KIND_NOT_SET -> throw DomainException.invalidAnswer(id, "Question " + id + " has a key of no kind.");
        };
        return question.getNeutralisedReason().isBlank()
                ? key
                : new QuestionKey.Neutralised(key, question.getNeutralisedReason());
    }

    /** Every id, list and text of one question's key within bounds, before any rule reads it. */
    private static void bounded(io.amphi.proto.scoring.v1.QuestionKey question) {
        switch (question.getKindCase()) {
            case SINGLE_BEST_ANSWER ->
                Inputs.id(question.getSingleBestAnswer().getCorrectOptionId(), "correct_option_id");
            case MULTIPLE_RESPONSE -> {
                var multiple = question.getMultipleResponse();
                for (List<String> ids : List.of(
                        multiple.getCorrectOptionIdsList(),
                        multiple.getIndispensableOptionIdsList(),
                        multiple.getUnacceptableOptionIdsList())) {
                    Inputs.count(ids.size(), "option_ids", MAX_ENTRIES);
                    ids.forEach(id -> Inputs.id(id, "option_id"));
                }
            }
            case SHORT_TEXT -> {
                Inputs.count(question.getShortText().getAcceptedAnswersCount(), "accepted_answers", MAX_ENTRIES);
                question.getShortText()
                        .getAcceptedAnswersList()
                        .forEach(text -> Inputs.boundedText(text, "accepted_answer", MAX_TEXT));
            }
            case SCRIPT_CONCORDANCE ->
                Inputs.count(question.getScriptConcordance().getPanelVotesCount(), "panel_votes", 5);
            case KEY_FEATURES_CASE -> {
                Inputs.count(question.getKeyFeaturesCase().getPartsCount(), "parts", MAX_ENTRIES);
                for (KeyFeaturesCaseKey.Part part :
                        question.getKeyFeaturesCase().getPartsList()) {
                    if (part.getKey().getKindCase()
                            == io.amphi.proto.scoring.v1.QuestionKey.KindCase.KEY_FEATURES_CASE) {
                        throw DomainException.invalidAnswer(
                                question.getQuestionId(),
                                "Case " + question.getQuestionId()
                                        + " has a case inside a case; a part keys one question.");
                    }
                    Inputs.id(part.getKey().getQuestionId(), "question_id");
                }
            }
            case KIND_NOT_SET -> {}
        }
        Inputs.boundedText(question.getNeutralisedReason(), "neutralised_reason", Inputs.MAX_REASON);
    }

    private static QuestionKey.KeyFeaturesCase.Part part(String caseId, KeyFeaturesCaseKey.Part part) {
        if (!WEIGHT.matcher(part.getWeight()).matches()) {
            throw DomainException.invalidAnswer(
                    caseId,
                    "The weight of %s in case %s is %s, not a decimal number such as 0.25."
                            .formatted(part.getKey().getQuestionId(), caseId, Inputs.quote(part.getWeight())));
        }
        BigDecimal weight = new BigDecimal(part.getWeight());
        return new QuestionKey.KeyFeaturesCase.Part(part.getKey().getQuestionId(), weight, fromProto(part.getKey()));
    }
}
