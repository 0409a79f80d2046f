package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.delivery.api.Results.SaveOutcome;
import io.amphi.delivery.api.SessionView;
import io.amphi.platform.domain.DomainException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session's answers: the latest stored answer to each question and the save numbers already
 * used. Saves are numbered by the candidate's page, one after another; a number is used once, and
 * an answer numbered below its question's stored one is older and never replaces it, so saves
 * resent in any order after a reconnect end in the same sheet.
 */
public final class AnswerSheet {

    /**
     * The highest save number a client may use: 2^53 - 1, the largest integer a browser counts
     * exactly. With {@link #LONGEST_SAVE_NUMBER_JUMP}, no session can get near it.
     */
    public static final long MAX_SAVE_NUMBER = (1L << 53) - 1;

    /**
     * How far above the session's highest save number a save may be numbered. Clients number
     * saves one after another; a number far ahead is a bug that would make every later save of
     * its question an older one (acknowledged, never applied), so it is refused.
     */
    public static final long LONGEST_SAVE_NUMBER_JUMP = 1_000_000;

    private final Map<String, SessionView.SavedAnswer> latest = new LinkedHashMap<>();
    private final Map<Long, String> questionBySaveNumber = new HashMap<>();
    private long highestSaveNumber;

    /** Refuses a save number no page writes: out of range, or far ahead of the sheet's highest. */
    void requireUsableNumber(String questionId, long saveNumber) {
        requireInRange(questionId, saveNumber, "Save numbers run");
        if (saveNumber - highestSaveNumber > LONGEST_SAVE_NUMBER_JUMP) {
            throw DomainException.invalidAnswer(
                    questionId,
                    "Save %d is more than %d above the highest save so far (%d): number saves one after another."
                            .formatted(saveNumber, LONGEST_SAVE_NUMBER_JUMP, highestSaveNumber));
        }
    }

    /** Refuses an offline journal entry numbered outside the range a page numbers saves in. */
    static void requireJournalNumber(OfflineAnswer entry) {
        requireInRange(entry.questionId(), entry.saveNumber(), "Journal entries are numbered");
    }

    private static void requireInRange(String questionId, long saveNumber, String what) {
        if (saveNumber < 1 || saveNumber > MAX_SAVE_NUMBER) {
            throw DomainException.invalidAnswer(
                    questionId, "%s from 1 to %d; got %d.".formatted(what, MAX_SAVE_NUMBER, saveNumber));
        }
    }

    /**
     * What a save numbered {@code saveNumber} for {@code questionId} comes to without changing the
     * sheet: a duplicate of one stored, or superseded by a later one; empty when it would apply.
     * A number already used for another question is refused.
     */
    Optional<SaveOutcome> settledOutcome(String questionId, long saveNumber) {
        String earlierQuestion = questionBySaveNumber.get(saveNumber);
        if (earlierQuestion != null && !earlierQuestion.equals(questionId)) {
            throw DomainException.invalidAnswer(
                    questionId,
                    "Save number %d was already used for question %s; number each save anew."
                            .formatted(saveNumber, earlierQuestion));
        }
        if (earlierQuestion != null) {
            return Optional.of(SaveOutcome.DUPLICATE);
        }
        SessionView.SavedAnswer current = latest.get(questionId);
        if (current != null && current.saveNumber() > saveNumber) {
            return Optional.of(SaveOutcome.SUPERSEDED);
        }
        return Optional.empty();
    }

    /**
     * The entries that would count if stored now, each as if saved in number order: one whose
     * number is already used, or below its question's stored answer, does not.
     */
    List<OfflineAnswer> applicable(List<OfflineAnswer> entries) {
        Map<String, Long> latestNumber = new HashMap<>();
        latest.values().forEach(saved -> latestNumber.put(saved.questionId(), saved.saveNumber()));
        List<OfflineAnswer> applicable = new ArrayList<>();
        for (OfflineAnswer entry : entries) {
            if (questionBySaveNumber.containsKey(entry.saveNumber())
                    || latestNumber.getOrDefault(entry.questionId(), 0L) > entry.saveNumber()) {
                continue;
            }
            latestNumber.put(entry.questionId(), entry.saveNumber());
            applicable.add(entry);
        }
        return applicable;
    }

    void store(String questionId, long saveNumber, Answer answer, Instant at) {
        latest.put(questionId, new SessionView.SavedAnswer(questionId, saveNumber, answer, at));
        questionBySaveNumber.put(saveNumber, questionId);
        highestSaveNumber = Math.max(highestSaveNumber, saveNumber);
    }

    /** The latest answer to each question, in the order the questions were first answered. */
    List<SessionView.SavedAnswer> answers() {
        return new ArrayList<>(latest.values());
    }

    long highestSaveNumber() {
        return highestSaveNumber;
    }
}
