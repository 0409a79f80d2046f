package io.amphi.delivery.domain;

import java.time.Duration;
import java.util.List;

/** A small exam with one question of every kind. */
public final class SampleExam {

    public static final String EXAM_ID = "cardio-2026";

    private SampleExam() {}

    public static ExamContent content() {
        List<ChoiceOption> fiveOptions = List.of(
                new ChoiceOption("A", "a"),
                new ChoiceOption("B", "b"),
                new ChoiceOption("C", "c"),
                new ChoiceOption("D", "d"),
                new ChoiceOption("E", "e"));
        return new ExamContent(
                EXAM_ID,
                1,
                "Cardiology",
                Duration.ofHours(2),
                List.of(
                        new SingleBestAnswer("q1", "Which artery?", fiveOptions),
                        new MultipleResponse("q2", "Which risk factors?", fiveOptions),
                        new ShortText("q3", "Which drug?", 20),
                        new KeyFeaturesCase(
                                "case1",
                                "A patient...",
                                List.of(
                                        new SingleBestAnswer("case1.q1", "Diagnosis?", fiveOptions),
                                        new ShortText("case1.q2", "Treatment?", 50))),
                        new ScriptConcordance("q5", "A woman...", "If you thought of X", "and you find Y")));
    }
}
